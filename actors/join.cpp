#include "actors/join.hpp"

namespace troupe {

std::pair<batch, batch> join_state::accept(batch&& in, caf::timespan now) {
  batch out{options.stage, {}, false};
  batch skipped{options.stage, {}, true};
  for (auto& x : in.requests) {
    auto joined = gather.add(std::move(x), now, in.skipped);
    if (!joined)
      continue;
    if (joined->skipped) {
      skipped.requests.push_back(std::move(joined->req));
      continue;
    }
    stage_visit visit;
    visit.stage = options.stage;
    visit.enqueue = joined->first_seen;
    visit.dequeue = now;
    visit.finish = now;
    joined->req.trace.push_back(visit);
    out.requests.push_back(std::move(joined->req));
  }
  return {std::move(out), std::move(skipped)};
}

join_actor::behavior_type join(join_pointer self, join_options options) {
  auto& st = self->state;
  st.options = options;
  st.gather = join_buffer{options.inputs, options.combining};
  return run_member_behavior(
    self, nothing_to_start,
    [self](batch& in) {
      auto& st = self->state;
      ++st.events;
      auto now = st.since_epoch(self->clock().now());
      auto [out, skipped] = st.accept(std::move(in), now);
      for (auto* x : {&out, &skipped})
        if (!x->requests.empty())
          send_to_all(self, st.options.successors, std::move(*x));
    });
}

} // namespace troupe
