#include "policies/planning/network_calculus.hpp"

#include <algorithm>
#include <limits>

namespace troupe {

namespace {

/// sup over w of alpha(w)/R - w, in seconds, for R in requests per second.
double backlog_delay_s(const traffic_envelope& env, double rate) {
  const auto& pts = env.points;
  if (pts.empty())
    return 0;
  const auto& last = pts.back();
  if (!env.whole_sample && last.rate_qps() > rate)
    return std::numeric_limits<double>::infinity();
  // Windows in (0, w_0]: alpha(w) <= alpha(w_0), w > 0.
  double worst = double(pts.front().max_arrivals) / rate;
  for (size_t i = 0; i + 1 < pts.size(); ++i)
    worst = std::max(worst, double(pts[i + 1].max_arrivals) / rate
                              - pts[i].window_s);
  // Beyond W: a whole sample has no more arrivals; otherwise the worst of
  // (k + 1) alpha(W)/R - k W over k >= 1 is at k = 1 when alpha(W)/W <= R.
  double tail = env.whole_sample
                  ? double(last.max_arrivals) / rate - last.window_s
                  : 2 * double(last.max_arrivals) / rate - last.window_s;
  return std::max(worst, tail);
}

} // namespace

latency_bound network_calculus_bound(const planning_problem& problem,
                                     const pipeline_plan& plan,
                                     const traffic_envelope& envelope) {
  latency_bound result;
  for (const auto& path : source_to_leaf_paths(problem)) {
    double rate = std::numeric_limits<double>::infinity();
    double latency_s = 0;
    for (auto i : path) {
      auto p = profile_of(problem.stages[i], plan[i]);
      if (p == nullptr)
        continue;
      rate = std::min(rate, capacity_qps(problem, plan, i));
      latency_s += 2 * service_ms(*p, plan[i].max_batch) / 1000;
    }
    double delay_s = latency_s;
    if (rate != std::numeric_limits<double>::infinity())
      delay_s += backlog_delay_s(envelope, rate);
    double ms = delay_s * 1000;
    if (result.path.empty() || ms > result.ms)
      result = latency_bound{ms, path};
  }
  return result;
}

} // namespace troupe
