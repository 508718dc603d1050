#include "actors/client.hpp"

#include <algorithm>

namespace troupe {

batch client_state::take_due(caf::timespan now) {
  batch out;
  out.from = source_stage;
  const auto& arrivals = *options.arrivals;
  auto due_end = static_cast<size_t>(
    std::upper_bound(arrivals.begin() + next, arrivals.end(), now)
    - arrivals.begin());
  out.requests.reserve(due_end - next);
  for (; next < due_end; ++next) {
    request req;
    req.id = next;
    req.arrival = arrivals[next];
    req.deadline = arrivals[next] + options.slo;
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
  const auto& arrivals = *options.arrivals;
  if (next >= arrivals.size())
    return std::nullopt;
  return std::max(caf::timespan{0}, arrivals[next] - now);
}

client_actor::behavior_type client(client_pointer self, client_options options,
                                   std::vector<stage_input_actor> roots,
                                   sink_actor sink, run_probe* probe) {
  auto& st = self->state;
  st.options = std::move(options);
  st.roots = std::move(roots);
  st.sink = std::move(sink);
  st.events.probe = probe;
  return {
    [self](emit_atom) {
      auto& st = self->state;
      ++st.events;
      auto now = self->clock().now() - st.options.epoch;
      auto due = st.take_due(now);
      // Copies for all roots but the last, which gets the batch itself: a
      // copied trace loses its reserved capacity.
      if (!due.requests.empty() && !st.roots.empty()) {
        for (size_t i = 0; i + 1 < st.roots.size(); ++i)
          self->send(st.roots[i], due);
        self->send(st.roots.back(), std::move(due));
      }
      if (auto delay = st.next_wakeup(now))
        self->delayed_send(self, *delay, emit_atom_v);
      else
        self->send(st.sink, client_done{st.next});
    },
  };
}

} // namespace troupe
