#include "actors/rafiki_controller.hpp"

namespace troupe {

dispatch_decision rafiki_controller_state::decide(const dispatch_query& q) {
  arrivals.clear();
  for (auto a : q.arrivals)
    arrivals.push_back(a.count());
  rafiki::queue_view queue{q.queue_length, arrivals.data(), arrivals.size()};
  auto answer = steps->check(q.now.count(), queue);
  dispatch_decision d;
  if (answer.exhausted) {
    d.batch_size = q.max_batch;
    d.routes = {0};
    return d;
  }
  if (answer.batch_size == 0) {
    d.retry_after = caf::timespan{answer.retry_after_ns};
    // Arrivals before the next check only join the queue (SEEDS.md 1).
    d.firm = true;
    return d;
  }
  d.batch_size = answer.batch_size;
  d.padded = true;
  uint64_t route = 0;
  for (auto m : steps->actions().models_of(answer.mask))
    route |= model_routes[m];
  d.routes = {route};
  return d;
}

controller_actor::behavior_type
rafiki_controller(rafiki_controller_pointer self,
                  rafiki_controller_options options) {
  auto& st = self->state;
  st.agent = std::move(options.agent);
  st.model_routes = std::move(options.model_routes);
  st.steps = std::make_unique<rafiki::step_controller>(
    std::move(options.models), options.environment, *st.agent);
  st.steps->on_step = std::move(options.on_step);
  return run_member_behavior(self, nothing_to_start,
                             [self](dispatch_query& q) {
                               ++self->state.events;
                               return self->state.decide(q);
                             });
}

} // namespace troupe
