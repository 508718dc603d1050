#pragma once

// What every actor keeps for the run protocol (messages/interfaces.hpp,
// run_member_actor): time zero, once run_start arrived, and the number of
// messages it handled, for events_atom; and run_member_behavior(), which
// adds the protocol's handlers to an actor's own.

#include <cstdint>
#include <utility>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>

#include "messages/batch.hpp"
#include "messages/control.hpp"
#include "messages/ids.hpp"

namespace troupe {

struct run_member {
  /// Time zero of the run: traces hold offsets from it.
  caf::actor_clock::time_point epoch;
  /// Messages handled (the runtime sums them up at the end).
  uint64_t events = 0;

  void start(const run_start& x) {
    epoch = caf::actor_clock::time_point{x.epoch};
  }

  /// The offset of `now` (the actor clock's reading) from time zero.
  caf::timespan since_epoch(caf::actor_clock::time_point now) const {
    return now - epoch;
  }
};

/// The run_start message for time zero `epoch`.
inline run_start start_at(caf::actor_clock::time_point epoch) {
  return run_start{epoch.time_since_epoch()};
}

/// The actor's own `handlers` followed by the run protocol's (CAF tries
/// handlers in order: the frequent ones go first), with `ready` answering
/// ready_atom (an actor that must connect or load something first answers
/// with a response promise). run_start sets time zero and then calls
/// `started()` (the client and the scaler start their timers there),
/// events_atom answers the count. The actor's state derives from run_member.
template <class Self, class Ready, class Started, class... Handlers>
typename Self::behavior_type
run_member_behavior_with_ready(Self* self, Ready ready, Started started,
                               Handlers... handlers) {
  return {
    std::move(handlers)...,
    std::move(ready),
    [self, started](run_start x) {
      self->state.start(x);
      started();
    },
    [self](atoms::events_atom) { return self->state.events; },
  };
}

/// run_member_behavior_with_ready for an actor that is ready at once.
template <class Self, class Started, class... Handlers>
typename Self::behavior_type
run_member_behavior(Self* self, Started started, Handlers... handlers) {
  return run_member_behavior_with_ready(
    self, [](atoms::ready_atom) { return atoms::ready_atom_v; },
    std::move(started), std::move(handlers)...);
}

/// For run_member_behavior: nothing to do at run_start.
inline void nothing_to_start() {
  // nop
}

/// Sends `x` to `to`, arriving `delay` later: virtual time's modelled
/// hand-off (replica_options::handoff); 0 = now.
template <class Self, class Handle, class Message>
void send_after(Self* self, const Handle& to, Message&& x,
                caf::timespan delay = caf::timespan{0}) {
  if (delay.count() > 0)
    self->delayed_send(to, delay, std::forward<Message>(x));
  else
    self->send(to, std::forward<Message>(x));
}

/// Sends `x` to every one of `to` (see send_after): copies to all but the
/// last, which gets `x` itself (a copied trace loses the room reserved for
/// later visits).
template <class Self, class Handle>
void send_to_all(Self* self, const std::vector<Handle>& to, batch&& x,
                 caf::timespan delay = caf::timespan{0}) {
  if (to.empty())
    return;
  for (size_t i = 0; i + 1 < to.size(); ++i)
    send_after(self, to[i], batch{x}, delay);
  send_after(self, to.back(), std::move(x), delay);
}

} // namespace troupe
