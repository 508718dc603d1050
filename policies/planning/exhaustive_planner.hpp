#pragma once

// The brute-force optimum (InferLine, seed 002): every (hardware, batch size,
// replicas <= problem.max_replicas) per stage; the cheapest plan whose
// simulated P99 meets the SLO. Plans are visited in bands of increasing
// cost, so the first feasible plan found is a cheapest one. Pruning that
// never discards a feasible plan:
//  - per stage, batch sizes whose service time alone exceeds the SLO and
//    replica counts below the throughput bound (replicas x thr(b) < rate);
//  - per chain prefix (a root stage and the single-input stages after it):
//    a request's latency through the whole pipeline is at least its latency
//    through the prefix, which runs exactly as it would alone, so a prefix
//    whose own P99 misses the SLO rules out every plan that contains it.

#include "policies/planning/plan.hpp"

namespace troupe {

planning_result plan_exhaustive(const planning_problem& problem,
                                latency_oracle& oracle);

} // namespace troupe
