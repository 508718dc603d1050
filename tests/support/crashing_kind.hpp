#pragma once

// A stage kind for tests, registered from the test: replicas that forward
// each batch at once and die (CAF's runtime_error) on batch number
// `die_on_batch` (its own key; 0 = never). Shows that a kind is one
// registration, and lets a test kill a replica mid-run.

#include <memory>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe::test {

inline replica_actor::behavior_type
crashing_replica(replica_actor::pointer self, stage_id stage, uint16_t index,
                 std::vector<stage_input_actor> successors, int die_on_batch) {
  auto served = std::make_shared<int>(0);
  return {
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [](run_start) {},
    [](atoms::events_atom) { return uint64_t{0}; },
    [=](atoms::serve_atom, batch& work) {
      if (++*served == die_on_batch) {
        self->quit(caf::make_error(caf::sec::runtime_error));
        return;
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

inline void register_crashing_kind() {
  if (find_stage_kind("crashing"))
    return;
  stage_kind k;
  k.name = "crashing";
  k.keys = {"die_on_batch"};
  k.load = [](const stage_reader& in, stage_spec& s) {
    if (in.has("die_on_batch"))
      s.settings["die_on_batch"] = std::to_string(
        in.integer("die_on_batch", 0, 1000000));
  };
  k.write = [](const stage_spec& s) {
    stage_keys keys;
    if (auto it = s.settings.find("die_on_batch"); it != s.settings.end())
      keys.emplace_back("die_on_batch", it->second);
    return keys;
  };
  k.spawn_replica = [](const stage_spawn_context& ctx, uint16_t index) {
    auto it = ctx.spec.settings.find("die_on_batch");
    int die_on = it == ctx.spec.settings.end() ? 0 : std::stoi(it->second);
    return ctx.sys.spawn(crashing_replica, ctx.id, index, ctx.successors,
                         die_on);
  };
  register_stage_kind(std::move(k));
}

/// One crashing stage with a single replica that dies on its 3rd batch.
inline const char* crashing_stage = R"(
[[stages]]
name = "flaky"
kind = "crashing"
die_on_batch = 3
inputs = ["source"]
)";

} // namespace troupe::test
