#pragma once

// Stage kinds for tests, registered from the tests: what a user's own kind
// looks like, and a way to make a replica die or predict on purpose.
//  - crashing: replicas forward each batch at once and die (CAF's
//    runtime_error) on batch number `die_on_batch`;
//  - frontend_killer, sink_killer: on batch number `kill_on_batch` the
//    replica kills its frontend or the sink instead;
//  - labelling: replicas "predict" class (true label + `offset`) mod 10 as
//    one-hot probabilities over 10 classes, so that a test knows which
//    branch is right and what a join's combination must say.

#include <functional>
#include <memory>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe::test {

/// What a scripted replica does with a batch (after changing it).
enum class serve_action { forward, die, kill_frontend, kill_sink };

using serve_script = std::function<serve_action(batch&)>;

/// A replica that runs `serve` on each batch and, unless told otherwise,
/// forwards it at once and tells its frontend it is idle.
inline replica_actor::behavior_type
scripted_replica(replica_actor::pointer self, stage_id stage, uint16_t index,
                 std::vector<stage_input_actor> successors, sink_actor sink,
                 serve_script serve) {
  return {
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [](run_start) {},
    [](atoms::events_atom) { return uint64_t{0}; },
    [=](atoms::serve_atom, batch& work) {
      auto frontend = caf::actor_cast<frontend_actor>(self->current_sender());
      switch (serve(work)) {
        case serve_action::die:
          self->quit(caf::make_error(caf::sec::runtime_error));
          return;
        case serve_action::kill_frontend:
          self->send_exit(frontend, caf::exit_reason::kill);
          return;
        case serve_action::kill_sink:
          self->send_exit(sink, caf::exit_reason::kill);
          return;
        case serve_action::forward:
          break;
      }
      work.from = stage;
      for (const auto& next : successors)
        self->send(next, work);
      self->send(frontend, replica_idle{index});
    },
    [](atoms::finished_atom, const batch&) {},
  };
}

/// Registers a replicated kind `name` with one integer key of its own,
/// kept in the stage's settings, whose replicas run `script(value)`.
inline void
register_scripted_kind(const std::string& name, const std::string& key,
                       std::function<serve_script(int)> script) {
  if (find_stage_kind(name))
    return;
  stage_kind k;
  k.name = name;
  k.keys = {key};
  k.load = [key](const stage_reader& in, stage_spec& s) {
    s.settings[key] = std::to_string(in.integer(key, 0, 1000000));
  };
  k.write = [key](const stage_spec& s) {
    return stage_keys{{key, s.settings.at(key)}};
  };
  k.spawn_replica = [key, script](const stage_spawn_context& ctx,
                                  uint16_t index) {
    auto value = std::stoi(ctx.spec.settings.at(key));
    return ctx.sys.spawn(scripted_replica, ctx.id, index, ctx.successors,
                         ctx.sink, script(value));
  };
  register_stage_kind(std::move(k));
}

/// A script that forwards every batch but number `n`, where it does `then`.
inline serve_script on_batch(int n, serve_action then) {
  auto served = std::make_shared<int>(0);
  return [served, n, then](batch&) {
    return ++*served == n ? then : serve_action::forward;
  };
}

inline void register_crashing_kind() {
  register_scripted_kind("crashing", "die_on_batch", [](int n) {
    return on_batch(n, serve_action::die);
  });
}

inline void register_killing_kinds() {
  register_scripted_kind("frontend_killer", "kill_on_batch", [](int n) {
    return on_batch(n, serve_action::kill_frontend);
  });
  register_scripted_kind("sink_killer", "kill_on_batch", [](int n) {
    return on_batch(n, serve_action::kill_sink);
  });
}

inline void register_labelling_kind() {
  register_scripted_kind("labelling", "offset", [](int offset) {
    return [offset](batch& work) {
      for (auto& req : work.requests) {
        auto label = (req.input.label + offset) % 10;
        auto& out = req.result.emplace();
        out.shape = {10};
        out.values.assign(10, 0.0f);
        out.values[label] = 1.0f;
        out.label = label;
      }
      return serve_action::forward;
    };
  });
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
