#pragma once

// A network-calculus latency bound for a plan under a measured workload.
//
// Each planned stage offers a rate-latency service curve
//   beta(t) = R (t - T)+,  R = replicas x thr(b),  T = 2 s(b):
// a request may wait for the batch in service (s(b)) and then for its own
// (s(b)). Along a path the curves concatenate: R = the smallest R, T = the
// sum of the T. The workload's traffic envelope alpha(w) (the most arrivals
// in any window w) bounds its arrivals, and the delay is at most the
// horizontal deviation T + sup_w (alpha(w)/R - w). Between two measured
// windows w_i < w_{i+1}, alpha(w) <= alpha(w_{i+1}), so the windows must grow
// finely (a few percent) for a tight bound near capacity. Beyond the longest
// window W: no more arrivals when W spans the whole sample; otherwise alpha
// is subadditive, and the bound is finite iff alpha(W)/W <= R.

#include <string>

#include "models/traffic_envelope.hpp"
#include "policies/planning/plan.hpp"

namespace troupe {

struct latency_bound {
  /// The end-to-end bound in ms: the worst path; infinite if some stage's
  /// capacity is below the workload's long-run peak rate.
  double ms = 0;
  /// The path with the largest bound.
  std::vector<size_t> path;
};

latency_bound network_calculus_bound(const planning_problem& problem,
                                     const pipeline_plan& plan,
                                     const traffic_envelope& envelope);

} // namespace troupe
