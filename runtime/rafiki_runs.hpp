#pragma once

// Runs of a Rafiki scenario (seed 000) that a command drives: a replay of
// fixed actions on fixed arrivals, with every step's record. The run is the
// scenario's own actor graph in virtual time; only the controller's agent
// and what it reports differ from `troupe run`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policies/rafiki/direct_environment.hpp"
#include "policies/rafiki/learner.hpp"
#include "policies/rafiki/step_controller.hpp"
#include "runtime/rafiki_series.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

/// Command-line overrides of a scenario's Rafiki settings.
struct rafiki_overrides {
  /// "sync" or "async".
  std::optional<std::string> mode;
  std::optional<double> beta;
  std::optional<double> max_latency_s;
  std::optional<double> tau_times;
};

/// Applies the overrides to the scenario's Rafiki stage; throws
/// std::invalid_argument for a value out of range.
void apply_rafiki_overrides(scenario& sc, const rafiki_overrides& x);

/// The scenario's action count (models and batch sizes of its Rafiki stage).
size_t rafiki_action_count(const scenario& sc);

/// A learner for the scenario's Rafiki stage: its observation and action
/// sizes come from the stage's models and batch sizes.
rafiki::learner make_rafiki_learner(const scenario& sc,
                                    rafiki::learner_options options);

/// Reads one action index per line; throws input_error naming the file and
/// line of one that is not an integer from 0 to `action_count` - 1.
std::vector<size_t> read_action_file(const std::string& path,
                                     size_t action_count);

struct rafiki_replay {
  std::vector<rafiki::step_record> steps;
  run_result run;
  /// The actions ran out before the arrivals did: the requests left were
  /// dropped (no_route).
  bool actions_ran_out = false;
};

/// Runs the scenario's graph in virtual time on `arrivals` with `agent` as
/// its controller's agent, each step to `on_step`.
run_result
run_rafiki_graph(const scenario& sc, arrival_times arrivals,
                 std::shared_ptr<rafiki::agent> agent,
                 std::function<void(const rafiki::step_record&)> on_step,
                 clock_kind clock = clock_kind::virtual_time);

/// Runs the scenario's graph in virtual time on `arrivals` with the agent
/// playing `actions`.
rafiki_replay replay_rafiki(const scenario& sc, arrival_times arrivals,
                            std::vector<size_t> actions);

/// The scenario's Rafiki environment without actors
/// (policies/rafiki/direct_environment.hpp) on `arrivals`, with `agent`:
/// the same steps as the scenario's graph, each to `on_step`.
rafiki::direct_outcome
run_rafiki_direct(const scenario& sc, const arrival_times& arrivals,
                  rafiki::agent& agent,
                  std::function<void(const rafiki::step_record&)> on_step);

/// Totals over the steps of a run.
struct step_totals {
  uint64_t steps = 0;
  uint64_t served = 0;
  uint64_t overdue = 0;
  double reward = 0;
  /// Sum of accuracy x served (the served-weighted accuracy's numerator).
  double accuracy_served = 0;

  void add(const rafiki::step_record& s);

  double accuracy() const {
    return served > 0 ? accuracy_served / double(served) : 0.0;
  }

  double overdue_ratio() const {
    return served > 0 ? double(overdue) / double(served) : 0.0;
  }
};

/// How well a frozen copy of the learner did on the validation workload.
struct validation {
  uint64_t frames = 0;
  double reward_per_request = 0;
  double overdue_ratio = 0;
};

/// A training run's progress, about once per second of wall time.
struct training_progress {
  uint64_t frames = 0;
  uint64_t target_frames = 0;
  double wall_s = 0;
  /// Since the last report.
  step_totals recent;
  /// The validations since the last report.
  std::vector<validation> validations;
};

/// Where training runs the environment.
enum class training_env {
  /// The loop of direct_environment.hpp: the graph's steps, much faster.
  direct,
  /// The scenario's actor graph in virtual time.
  graph,
};

struct training_options {
  /// Acts this many times (the learner's max_frames must be the same).
  uint64_t frames = 80000;
  training_env env = training_env::direct;
  /// Every this many frames (0: never), a frozen copy of the learner runs
  /// a validation episode (the scenario's workload with a seed no training
  /// episode uses), and the best copy is kept: A2C on this reward can
  /// collapse after it has learned (ensembles pay more per step until the
  /// queue overflows), so the last policy is not always the best one.
  uint64_t validate_every = 100000;
  std::function<void(const training_progress&)> on_progress;
};

struct training_result {
  /// Over every training step.
  step_totals totals;
  std::vector<validation> validations;
  /// The copy that validated best (frozen), when any validated.
  std::optional<rafiki::learner> best;
  validation best_validation;
};

/// The seed of the validation workload: far from the training episodes'
/// seeds (seed, seed + 1, ...).
constexpr uint64_t validation_seed_offset = 1'000'000;

/// Trains `agent` in virtual time, in episodes of the scenario's workload
/// (seeds seed, seed + 1, ...), until it has acted `options.frames` times.
training_result train_rafiki(const scenario& sc, rafiki::learner& agent,
                             const training_options& options);

/// One agent's evaluation on the scenario's workload.
struct evaluation {
  std::string agent;
  /// As the steps predicted them (the environment's reward).
  step_totals totals;
  /// Overdue and latency as the sink measured them.
  rafiki_series series;
  run_result run;
};

/// Runs the scenario's graph once on `arrivals` with `agent` as its
/// controller's agent, in virtual time or (serving) in real time.
evaluation evaluate_rafiki(const scenario& sc, const std::string& name,
                           std::shared_ptr<rafiki::agent> agent,
                           const arrival_times& arrivals,
                           clock_kind clock = clock_kind::virtual_time);

/// steps.csv: step,time_s,action,batch_size,served,overdue,reward.
void write_steps_csv(const std::string& path,
                     const std::vector<rafiki::step_record>& steps);

} // namespace troupe
