#include "actors/client.hpp"

#include <algorithm>

namespace troupe {

batch client_state::take_due(caf::timespan now) {
  batch out;
  out.from = source_stage;
  const auto& arrivals = options.arrivals;
  auto due_end = static_cast<size_t>(
    std::upper_bound(arrivals.begin() + next, arrivals.end(), now)
    - arrivals.begin());
  out.requests.reserve(due_end - next);
  for (; next < due_end; ++next) {
    request req;
    req.id = next;
    req.arrival = arrivals[next];
    req.deadline = arrivals[next] + options.slo;
    if (!options.inputs.empty())
      req.input = options.inputs[next % options.inputs.size()];
    // The client's own visit: due at `enqueue`, actually sent at `finish`
    // (in real time, timer slack makes the two differ).
    stage_visit visit;
    visit.stage = source_stage;
    visit.enqueue = arrivals[next];
    visit.dequeue = now;
    visit.finish = now;
    req.trace.reserve(options.trace_capacity);
    req.trace.push_back(visit);
    out.requests.push_back(std::move(req));
  }
  return out;
}

std::optional<caf::timespan> client_state::next_wakeup(caf::timespan now) const {
  const auto& arrivals = options.arrivals;
  if (next >= arrivals.size())
    return std::nullopt;
  return std::max(caf::timespan{0}, arrivals[next] - now);
}

namespace {

/// Tells the sink how many requests were sent; nothing is sent after.
void say_done(client_pointer self) {
  auto& st = self->state;
  if (st.done_sent)
    return;
  st.done_sent = true;
  self->send(st.options.sink, client_done{st.next});
}

/// Sends what is due now, then arms the timer for the next arrival (unless
/// one is armed) or, once all are sent, tells the sink how many there were.
/// Paced and with nothing to send, it echoes through the sink when the next
/// arrival is close.
void emit_due(client_pointer self) {
  auto& st = self->state;
  ++st.events;
  if (st.done_sent)
    return;
  auto now = st.since_epoch(self->clock().now());
  if (st.options.scheduler)
    st.options.scheduler->busy_at(now);
  auto due = st.take_due(now);
  bool sent_any = !due.requests.empty();
  if (sent_any)
    send_to_all(self, st.options.roots, std::move(due), st.hop.delay(now));
  if (auto delay = st.next_wakeup(now)) {
    if (!st.timer_armed) {
      st.timer_armed = true;
      self->delayed_send(self, *delay + st.hop.timer_late(now, *delay),
                         atoms::emit_atom_v);
    }
    if (st.options.paced_by_sink && !sent_any && !st.echo_pending
        && *delay < st.options.pace_horizon) {
      st.echo_pending = true;
      self->request(st.options.sink, caf::infinite, atoms::pace_atom_v)
        .then([self] {
          self->state.echo_pending = false;
          emit_due(self);
        });
    }
  } else {
    say_done(self);
  }
}

} // namespace

client_actor::behavior_type client(client_pointer self,
                                   client_options options) {
  self->state.options = std::move(options);
  self->state.hop = client_hop{self->state.options.hop};
  auto started = [self] {
    if (self->state.options.paced_by_sink)
      self->send(self->state.options.sink, atoms::pace_atom_v);
    emit_due(self);
  };
  return run_member_behavior(
    self, started,
    [self](atoms::emit_atom) {
      self->state.timer_armed = false;
      emit_due(self);
    },
    [self](atoms::pace_atom) { emit_due(self); },
    // The run ends early: what was sent is all there will be.
    [self](atoms::stop_atom) {
      ++self->state.events;
      say_done(self);
      return static_cast<uint64_t>(self->state.next);
    });
}

} // namespace troupe
