#pragma once

// InferLine's published planner (SEEDS.md 3):
//  Initialize: batch 1, one replica, the best hardware for every model. The
//    plan is infeasible if the service time alone exceeds the SLO; otherwise
//    add a replica to the lowest-throughput stage until the simulated P99
//    meets the SLO.
//  MinimizeCost: try, for every stage, IncreaseBatch (the next profiled batch
//    size), RemoveReplica and DowngradeHardware; apply the feasible candidate
//    with the lowest cost (then the lowest P99); stop when none is feasible.

#include "policies/planning/plan.hpp"

namespace troupe {

planning_result plan_greedy(const planning_problem& problem,
                            latency_oracle& oracle);

} // namespace troupe
