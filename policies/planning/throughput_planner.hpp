#pragma once

// The seed-002 prototype's throughput maximiser under a cost budget: start
// with batch 1, one replica and the cheapest hardware everywhere; then, for
// the bottleneck stage (lowest replicas x thr(b)), try in order a larger
// batch, one more replica, better hardware, and take the first step that
// stays within the budget and keeps the no-queueing service path within the
// SLO. Stop when the bottleneck cannot be improved. The result is checked
// against the workload with the network-calculus bound (network_calculus.hpp).

#include "models/traffic_envelope.hpp"
#include "policies/planning/plan.hpp"

namespace troupe {

struct throughput_plan_result {
  planning_result planning;
  /// The pipeline's capacity: its bottleneck's replicas x thr(b).
  double throughput_qps = 0;
  /// The network-calculus bound under the workload's envelope.
  double bound_ms = 0;
};

throughput_plan_result plan_throughput(const planning_problem& problem,
                                       double budget,
                                       const traffic_envelope& envelope);

} // namespace troupe
