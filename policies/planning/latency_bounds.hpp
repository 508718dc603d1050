#pragma once

// Lower bounds on a plan's latencies that need no simulation, so that the
// optimal planner can refute a plan without running it. Each is a fact
// about every possible run, not an estimate: a batch on a stage takes at
// least the stage's shortest service time (the least of s(b) over the
// batch sizes it may form; 0 when service times are drawn at random,
// whose draws can be arbitrarily short), so a request that reaches the
// stage at x is late when x plus that is past its deadline.

#include <cstddef>
#include <vector>

#include "policies/planning/plan.hpp"

namespace troupe {

/// What bounds one stage's service under one choice.
struct stage_speed {
  /// The shortest time a batch can take, ms.
  double min_service_ms = 0;
  /// The most requests a replica can complete per ms.
  double max_rate_per_ms = 0;
};

/// A choice's speed; `random_service`: service times drawn at random (then
/// the shortest is 0 and the rate unbounded). An unplanned stage takes no
/// time.
stage_speed speed_of(const planning_stage& stage, const stage_choice& choice,
                     bool random_service);

/// Requests per second the stage serves at most under `choice`: its best
/// throughput at a batch size it may form, times its replicas (infinite
/// for an unplanned stage or random service times).
double best_capacity_qps(const planning_stage& stage,
                         const stage_choice& choice, bool random_service);

/// The shortest service time of a stage under any of its choices (0 for an
/// unplanned stage or random service times).
double min_service_ms(const planning_stage& stage, bool random_service);

/// The path from a root to a leaf whose stages' shortest service times
/// under `plan` add up the most: no request can be faster than that.
service_path shortest_service_path(const planning_problem& problem,
                                   const pipeline_plan& plan);

/// A lower bound on how many requests are late at a stage: request i
/// reaches it at `arrive_ms[i]` (infinite: never) and is late unless it
/// leaves by `deadline_ms[i]`.
size_t late_lower_bound(const std::vector<double>& arrive_ms,
                        const std::vector<double>& deadline_ms,
                        const stage_speed& speed);

/// The number of late requests above which a P99 (nearest rank) of `n`
/// latencies exceeds the SLO: n - ceil(0.99 n).
size_t late_allowance(size_t n);

} // namespace troupe
