#include "actors/join.hpp"

namespace troupe {

batch join_state::accept(batch&& in, caf::timespan now) {
  batch out;
  out.from = options.stage;
  for (auto& x : in.requests) {
    auto joined = gather.add(std::move(x), now);
    if (!joined)
      continue;
    stage_visit visit;
    visit.stage = options.stage;
    visit.enqueue = joined->first_seen;
    visit.dequeue = now;
    visit.finish = now;
    joined->req.trace.push_back(visit);
    out.requests.push_back(std::move(joined->req));
  }
  return out;
}

join_actor::behavior_type join(join_pointer self, join_options options,
                               std::vector<stage_input_actor> successors,
                               run_probe* probe) {
  auto& st = self->state;
  st.options = options;
  st.gather = join_buffer{options.inputs};
  st.successors = std::move(successors);
  st.events.probe = probe;
  return {
    [self](batch& in) {
      auto& st = self->state;
      ++st.events;
      auto now = self->clock().now() - st.options.epoch;
      auto out = st.accept(std::move(in), now);
      if (out.requests.empty())
        return;
      for (auto& next : st.successors)
        self->send(next, out);
    },
  };
}

} // namespace troupe
