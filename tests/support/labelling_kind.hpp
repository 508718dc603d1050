#pragma once

// A stage kind for tests: replicas that "predict" class (true label +
// `offset`) mod 10 as one-hot probabilities over 10 classes, at once. With
// offsets 0 and 1 on different branches a test knows which branch is right,
// and so what a join's combination and the summary's accuracy must say.

#include <caf/typed_event_based_actor.hpp>

#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe::test {

inline replica_actor::behavior_type
labelling_replica(replica_actor::pointer self, stage_id stage, uint16_t index,
                  std::vector<stage_input_actor> successors, int offset) {
  return {
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [](run_start) {},
    [](atoms::events_atom) { return uint64_t{0}; },
    [=](atoms::serve_atom, batch& work) {
      for (auto& req : work.requests) {
        auto label = (req.input.label + offset) % 10;
        req.result.shape = {10};
        req.result.values.assign(10, 0.0f);
        req.result.values[label] = 1.0f;
        req.result.label = label;
      }
      work.from = stage;
      for (const auto& next : successors)
        self->send(next, work);
      self->send(caf::actor_cast<frontend_actor>(self->current_sender()),
                 replica_idle{index});
    },
    [](atoms::finished_atom, const batch&) {},
  };
}

inline void register_labelling_kind() {
  if (find_stage_kind("labelling"))
    return;
  stage_kind k;
  k.name = "labelling";
  k.keys = {"offset"};
  k.load = [](const stage_reader& in, stage_spec& s) {
    s.settings["offset"] = std::to_string(in.integer("offset", 0, 9));
  };
  k.spawn_replica = [](const stage_spawn_context& ctx, uint16_t index) {
    return ctx.sys.spawn(labelling_replica, ctx.id, index, ctx.successors,
                         std::stoi(ctx.spec.settings.at("offset")));
  };
  register_stage_kind(std::move(k));
}

} // namespace troupe::test
