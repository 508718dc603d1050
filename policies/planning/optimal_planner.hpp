#pragma once

// The cheapest plan that meets the SLO, proven: a branch and bound over
// every stage's (hardware, profiled batch size, replicas <=
// problem.max_replicas). Plans are visited in bands of increasing cost (one
// replica of the cheapest hardware wide), so the first feasible plan found
// is a cheapest one, and every cheaper plan was refuted on the way, by one
// of:
//  - per stage, replica counts whose best throughput cannot serve the
//    sample's mean rate (the throughput bound) and choices whose shortest
//    service time plus the least time after the stage exceeds the SLO;
//  - per chain prefix (a root stage and the single-input stages after it,
//    which run exactly as they would alone): the shorter prefix's
//    latencies plus the stage's shortest service time (latency_bounds.hpp),
//    then the prefix's own run, each with the least time after it; a prefix
//    with more late requests than a P99 allows rules out every plan
//    containing it;
//  - per plan: each request's latency is at least the largest of its
//    chains' latencies plus the least time after each; only a plan that
//    passes that is run whole.
// Each chain's own cheapest cost bounds the plans from below. Upper bounds:
// every stage at its largest capacity (with a limit, then shrunk stage by
// stage by bisection on replicas), then each chain's optimum in its place,
// then the chains' optima side by side; a plan that misses the SLO gets
// replicas added to its least served stage until it meets it. With a time or
// simulation limit, a search that is cut off returns the best plan it has,
// the lower bound it proved, and the gap.

#include <optional>

#include "policies/planning/plan.hpp"

namespace troupe {

struct optimal_options {
  /// Seconds of wall time before the search stops with what it has; 0: no
  /// limit.
  double time_limit_s = 0;
  /// Simulations before the search stops the same way; 0: no limit. (A
  /// limit that does not depend on the machine: tests use it.)
  uint64_t simulation_limit = 0;
};

planning_result plan_optimal(const planning_problem& problem,
                             latency_oracle& oracle,
                             const optimal_options& options = {});

} // namespace troupe
