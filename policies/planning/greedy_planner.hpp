#pragma once

// InferLine's published planner (SoCC 2020, seed 002):
//  Initialize: batch 1, one replica, the best hardware for every model. The
//    plan is infeasible if the service time alone exceeds the SLO; otherwise
//    add a replica to the lowest-throughput stage until the simulated P99
//    meets the SLO.
//  MinimizeCost: try, for every stage, IncreaseBatch (the next profiled batch
//    size), RemoveReplica and DowngradeHardware; apply the feasible candidate
//    with the lowest cost (then the lowest P99); stop when none is feasible.
// troupe adds an escape phase (on by default, off for the published
// planner): from the plan MinimizeCost ends with, move one stage one step up
// the hardware list, run MinimizeCost again, and keep the result when it is
// cheaper. It finds e.g. one V100 replica where MinimizeCost stopped at two
// cheaper TXP replicas.

#include "policies/planning/plan.hpp"

namespace troupe {

struct greedy_options {
  /// Run the escape phase after MinimizeCost.
  bool escape = true;
};

planning_result plan_greedy(const planning_problem& problem,
                            latency_oracle& oracle,
                            const greedy_options& options = {});

} // namespace troupe
