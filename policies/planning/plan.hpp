#pragma once

// What a provisioning planner decides, per stage of a pipeline: the hardware
// a model runs on, its batch size and its number of replicas (InferLine's
// plan), and the vocabulary the planners share: the problem, the latency
// oracle they consult and their result.

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/profile.hpp"

namespace troupe {

struct stage_choice {
  /// Empty for stages without a model (join, noop): the planner leaves them.
  std::string hardware;
  uint32_t max_batch = 1;
  uint32_t replicas = 1;

  friend bool operator==(const stage_choice& x, const stage_choice& y) {
    return x.hardware == y.hardware && x.max_batch == y.max_batch
           && x.replicas == y.replicas;
  }
  friend bool operator<(const stage_choice& x, const stage_choice& y) {
    if (x.hardware != y.hardware)
      return x.hardware < y.hardware;
    if (x.max_batch != y.max_batch)
      return x.max_batch < y.max_batch;
    return x.replicas < y.replicas;
  }
};

/// One choice per stage, indexed like the scenario's stages.
using pipeline_plan = std::vector<stage_choice>;

struct planning_stage {
  std::string name;
  /// The model's profiles, best (most expensive per replica) first; empty
  /// for stages the planner does not touch (join, noop).
  std::vector<std::shared_ptr<const profile>> hardware;
  /// Stage indices this stage takes requests from (the source is omitted).
  std::vector<size_t> inputs;

  bool planned() const {
    return !hardware.empty();
  }
};

struct planning_problem {
  std::vector<planning_stage> stages;
  /// Stage indices such that every stage comes after its inputs.
  std::vector<size_t> topological_order;
  double slo_ms = 0;
  /// Mean arrival rate of the sample workload; every stage sees all of it.
  double mean_rate_qps = 0;
  /// Bound on replicas per stage (optimal search, greedy's initialize).
  uint32_t max_replicas = 32;
  /// Service times are drawn at random (then a batch may be arbitrarily
  /// short, and latency bounds cannot count on a shortest service time).
  bool random_service = false;
  /// A chain of stages runs alone exactly as inside the pipeline. Not so
  /// when a stage's batching depends on its share of the SLO (fill, aimd),
  /// which the stages after it change: then only whole plans are judged.
  bool chains_run_alone = true;
};

constexpr double infeasible_latency = std::numeric_limits<double>::infinity();

/// The simulated P99 end-to-end latency of a plan on the sample workload.
/// Implemented by the runtime with the actor graph in virtual time.
class latency_oracle {
public:
  virtual ~latency_oracle() = default;

  /// P99 in ms over all requests (a dropped or failed request counts as
  /// infinitely late); infeasible_latency as soon as it is sure to exceed
  /// the SLO.
  virtual double p99_ms(const pipeline_plan& plan) = 0;

  /// The same for the sub-pipeline of `stages` (closed under inputs; its
  /// stages that feed no other of `stages` are its leaves).
  virtual double p99_ms(const pipeline_plan& plan,
                        const std::vector<size_t>& stages) = 0;

  /// Per request of the sample (in its order), its latency in ms through
  /// `stages` (closed under inputs; infinite when dropped or failed); null
  /// when the run stopped early because its P99 misses the SLO.
  virtual std::shared_ptr<const std::vector<double>>
  latencies_ms(const pipeline_plan& plan, const std::vector<size_t>& stages)
    = 0;

  /// Runs now, side by side where it can, the plans that latencies_ms
  /// will be asked for on `stages`; a hint (the default does nothing).
  virtual void prefetch(const std::vector<pipeline_plan>& plans,
                        const std::vector<size_t>& stages) {
    (void) plans;
    (void) stages;
  }

  /// The sample's arrival times in ms, in order.
  virtual const std::vector<double>& arrivals_ms() const = 0;

  /// Simulations run so far (memoized answers do not count).
  virtual uint64_t simulations() const = 0;
};

struct planning_result {
  /// Empty when no plan meets the constraints; `explanation` says why.
  std::optional<pipeline_plan> plan;
  std::string explanation;
  /// The oracle's P99 of the plan (greedy, optimal).
  double p99_ms = infeasible_latency;
  /// Steps the planner took, one line each (greedy, throughput).
  std::vector<std::string> steps;
  /// optimal: no feasible plan costs less than this. It equals the plan's
  /// cost when the plan is proven cheapest; below it (or without a plan)
  /// when a time limit cut the search off.
  std::optional<double> lower_bound;
  /// optimal: the search ran to the end (the plan is the cheapest, or none
  /// exists).
  bool proven = false;
};

/// s(b) in milliseconds.
double service_ms(const profile& p, uint32_t batch);

/// The profile a choice runs on; null for an unplanned stage.
const profile* profile_of(const planning_stage& stage,
                          const stage_choice& choice);

/// replicas x cost per replica, summed over the planned stages.
double plan_cost(const planning_problem& problem, const pipeline_plan& plan);

/// replicas x thr(batch) of one stage; infinite for an unplanned stage.
double capacity_qps(const planning_problem& problem, const pipeline_plan& plan,
                    size_t stage);

/// Batch size 1 and one replica everywhere, on the best (first) or the
/// cheapest (last) hardware of every planned stage.
enum class hardware_end { best, cheapest };
pipeline_plan smallest_plan(const planning_problem& problem, hardware_end end);

/// Why a plan cannot meet the SLO even without queueing ("the service time
/// alone along a -> b is X ms <context>, above the SLO of Y ms"); empty if
/// it can.
std::string service_time_excess(const planning_problem& problem,
                                const pipeline_plan& plan,
                                const std::string& context);

/// consumers[i]: the stages that take input from stage i.
std::vector<std::vector<size_t>> consumers_of(const planning_problem& problem);

/// The planned stage with the lowest capacity (the first of equals).
std::optional<size_t> bottleneck(const planning_problem& problem,
                                 const pipeline_plan& plan);

/// Every path from a root (a stage fed by the source) to a leaf, as stage
/// indices.
std::vector<std::vector<size_t>> source_to_leaf_paths(
  const planning_problem& problem);

/// Stage names joined by " -> ".
std::string path_text(const planning_problem& problem,
                      const std::vector<size_t>& path);

/// The longest service time of a full batch, s(b), summed along a path:
/// what a request takes with no queueing at all.
struct service_path {
  double ms = 0;
  std::vector<size_t> stages;
};
service_path longest_service_path(const planning_problem& problem,
                                  const pipeline_plan& plan);

/// The path from a root to a leaf whose stages' `ms_of(stage)` add up the
/// most.
service_path heaviest_path(const planning_problem& problem,
                           const std::function<double(size_t)>& ms_of);

/// Every planned stage can serve the mean arrival rate: a plan below it
/// builds a backlog that grows over the whole sample, so its P99 cannot
/// meet any SLO (a check that spares a simulation).
bool meets_throughput_bound(const planning_problem& problem,
                            const pipeline_plan& plan);

/// "resnet V100 b16 x1, ksvm CPU b16 x1, ...".
std::string describe(const planning_problem& problem,
                     const pipeline_plan& plan);

/// The next profiled batch size above the current one on the choice's
/// hardware; nothing at the largest.
std::optional<uint32_t> next_batch(const planning_stage& stage,
                                   const stage_choice& choice);

/// Moves a choice to another profile, keeping the batch size where that
/// profile has it, else the largest profiled batch size below it.
stage_choice on_hardware(const stage_choice& choice, const profile& target);

/// The profile one step cheaper (down) or dearer (up) than the choice's, in
/// the stage's list; nothing at the end of the list.
const profile* cheaper_hardware(const planning_stage& stage,
                                const stage_choice& choice);
const profile* dearer_hardware(const planning_stage& stage,
                               const stage_choice& choice);

} // namespace troupe
