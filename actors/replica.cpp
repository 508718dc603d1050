#include "actors/replica.hpp"

#include <caf/actor_cast.hpp>

namespace troupe {

caf::expected<caf::timespan>
replica_state::service_time(const batch& work) const {
  auto size = static_cast<uint32_t>(work.requests.size());
  if (!options.service)
    return caf::timespan{0};
  if (size == 0 || size > options.service->max_batch())
    return make_error(errc::batch_too_large,
                      "batch of " + std::to_string(size)
                        + " beyond the profile's largest batch "
                        + std::to_string(options.service->max_batch()));
  return options.service->service_time(size);
}

void replica_state::finish(batch& work, caf::timespan now) const {
  work.from = options.stage;
  for (auto& req : work.requests)
    if (!req.trace.empty() && req.trace.back().stage == options.stage)
      req.trace.back().finish = now;
}

replica_actor::behavior_type replica(replica_pointer self,
                                     replica_options options,
                                     std::vector<stage_input_actor> successors,
                                     sink_actor sink) {
  auto& st = self->state;
  st.options = std::move(options);
  st.successors = std::move(successors);
  st.sink = std::move(sink);
  auto now = [self] { return self->state.since_epoch(self->clock().now()); };
  // Forwards a served batch: the frontend first, so that it can refill the
  // replica while the successors work.
  auto complete = [self, now](batch& work) {
    auto& st = self->state;
    st.finish(work, now());
    self->send(st.frontend, replica_idle{st.options.index});
    for (size_t i = 0; i + 1 < st.successors.size(); ++i)
      self->send(st.successors[i], work);
    if (!st.successors.empty())
      self->send(st.successors.back(), std::move(work));
  };
  return {
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [self](run_start x) { self->state.start(x); },
    [self](atoms::events_atom) { return self->state.events; },
    [self, now, complete](atoms::serve_atom, batch& work) {
      auto& st = self->state;
      ++st.events;
      st.frontend = caf::actor_cast<frontend_actor>(self->current_sender());
      auto duration = st.service_time(work);
      if (!duration) {
        self->send(st.sink, failure_notice{st.options.stage, duration.error(),
                                           now(), std::move(work.requests)});
        self->send(st.frontend, replica_idle{st.options.index});
        return;
      }
      if (duration->count() == 0)
        complete(work);
      else
        self->delayed_send(self, *duration, atoms::finished_atom_v, std::move(work));
    },
    [self, complete](atoms::finished_atom, batch& work) {
      ++self->state.events;
      complete(work);
    },
  };
}

} // namespace troupe
