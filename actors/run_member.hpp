#pragma once

// What every actor keeps for the run protocol (messages/interfaces.hpp,
// run_member_actor): time zero, once run_start arrived, and the number of
// messages it handled, for events_atom.

#include <cstdint>

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>

#include "messages/control.hpp"

namespace troupe {

struct run_member {
  /// Time zero of the run: traces hold offsets from it.
  caf::actor_clock::time_point epoch;
  bool started = false;
  /// Messages handled (the runtime sums them up at the end).
  uint64_t events = 0;

  void start(const run_start& x) {
    epoch = caf::actor_clock::time_point{x.epoch};
    started = true;
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

} // namespace troupe
