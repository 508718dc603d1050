#pragma once

// A scenario's Rafiki stage (seed 000): the `[stages.NAME.rafiki]` settings
// of a stage whose controller = "rafiki", and the controller they make. The
// latency table is the model stages' profiles at the chosen batch sizes, so
// that the controller's view of each model and the model's replica agree.
//
//   [[stages]]
//   name = "select"
//   kind = "noop"
//   controller = "rafiki"
//   max_batch = 64
//   inputs = ["source"]
//     [stages.rafiki]
//     models = ["m0", "m1", "m2"]     # stages fed by this one, model 0 first
//     batch_sizes = [16, 32, 48, 64]
//     accuracy = [...]                # per subset mask - 1 (model 0 = MSB)
//     # or: accuracy_csv = "accuracy.csv" (in the repository, measured by
//     # `troupe zoo accuracy`, for the models the stages run)
//     mode = "async"                  # or "sync"
//     beta = 1.0
//     max_latency_s = 10
//     tau_times = 2
//     agent = "greedy"                # a baseline (policies/rafiki/agent.hpp)

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/rafiki_controller.hpp"
#include "runtime/clock_kind.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

struct rafiki_settings {
  std::vector<std::string> models;
  std::vector<uint32_t> batch_sizes;
  std::vector<double> accuracy;
  /// Instead of `accuracy`: a CSV in the scenario's model repository that
  /// `troupe zoo accuracy` wrote (the path as resolved), read for the
  /// models the stages run.
  std::string accuracy_csv;
  rafiki::environment_options environment;
  std::string agent = "greedy";
};

/// The settings of a stage with controller = "rafiki".
const rafiki_settings& rafiki_settings_of(const stage_spec& spec);

/// The seed's tables for these settings: the latencies are the model
/// stages' profiles at the batch sizes (0 for a stage that is missing or
/// has no profile; rafiki_problem says why), the accuracies the settings'
/// list or their CSV's rows (throws input_error for a bad or missing CSV).
rafiki::tables rafiki_tables(const scenario& sc, const rafiki_settings& x);

/// The first stage whose controller is Rafiki's; throws std::invalid_argument
/// naming the scenario when there is none.
stage_id rafiki_stage(const scenario& sc);

/// Why the settings of stage `id` do not fit the scenario, or empty.
std::string rafiki_problem(const scenario& sc, stage_id id);

/// "sync" -> true, "async" -> false, anything else -> nothing.
std::optional<bool> parse_rafiki_mode(const std::string& text);

/// The range a numeric setting may take (the loader and the command-line
/// overrides check the same).
struct rafiki_bound {
  const char* key;
  double low;
  double high;

  /// Why `value` is out of range ("must be from LOW to HIGH, got V"), or
  /// empty.
  std::string problem(double value) const;
};

constexpr rafiki_bound beta_bound{"beta", 0, 1e6};
constexpr rafiki_bound max_latency_bound{"max_latency_s", 1e-6, 3.15e8};
constexpr rafiki_bound tau_times_bound{"tau_times", 1e-3, 1e6};

/// Spawns the controller of the stage `ctx` names: the tables (latencies
/// from the model stages' profiles), the environment and the routes of the
/// scenario, with `agent` and `on_step` (may be empty). In real time a
/// question up to half a waiting tick late still counts as the check it
/// was due for.
controller_actor
spawn_rafiki_controller(const controller_spawn_context& ctx,
                        std::shared_ptr<rafiki::agent> agent,
                        std::function<void(const rafiki::step_record&)>
                          on_step = {});

} // namespace troupe
