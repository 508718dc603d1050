#include "policies/planning/latency_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/durations.hpp"

namespace troupe {

namespace {

/// Guards the comparisons against the runtime's rounding to nanoseconds.
constexpr double slack_ms = 1e-6;

} // namespace

stage_speed speed_of(const planning_stage& stage, const stage_choice& choice,
                     bool random_service) {
  stage_speed speed;
  auto p = profile_of(stage, choice);
  if (p == nullptr) {
    speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
    return speed;
  }
  double shortest = std::numeric_limits<double>::infinity();
  for (uint32_t b = 1; b <= choice.max_batch; ++b) {
    for (bool after_idle : {false, true}) {
      double ms = to_ms(p->service_time(b, after_idle));
      shortest = std::min(shortest, ms);
      if (ms > 0)
        speed.max_rate_per_ms = std::max(speed.max_rate_per_ms, b / ms);
      else
        speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
    }
  }
  // Random draws can be arbitrarily short, and so arbitrarily fast.
  if (random_service) {
    speed.min_service_ms = 0;
    speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
  } else {
    speed.min_service_ms = shortest;
  }
  return speed;
}

double best_capacity_qps(const planning_stage& stage,
                         const stage_choice& choice, bool random_service) {
  return 1000.0 * speed_of(stage, choice, random_service).max_rate_per_ms
         * choice.replicas;
}

double min_service_ms(const planning_stage& stage, bool random_service) {
  if (!stage.planned() || random_service)
    return 0;
  double shortest = std::numeric_limits<double>::infinity();
  for (const auto& p : stage.hardware) {
    stage_choice choice{p->hardware, p->max_batch(), 1};
    shortest = std::min(shortest,
                        speed_of(stage, choice, false).min_service_ms);
  }
  return shortest;
}

service_path shortest_service_path(const planning_problem& problem,
                                   const pipeline_plan& plan) {
  return heaviest_path(problem, [&](size_t i) {
    return speed_of(problem.stages[i], plan[i], problem.random_service)
      .min_service_ms;
  });
}

size_t late_lower_bound(const std::vector<double>& arrive_ms,
                        const std::vector<double>& deadline_ms,
                        const stage_speed& speed) {
  size_t late = 0;
  for (size_t i = 0; i < arrive_ms.size(); ++i)
    if (!(arrive_ms[i] + speed.min_service_ms <= deadline_ms[i] + slack_ms))
      ++late;
  return late;
}

size_t late_allowance(size_t n) {
  return n - static_cast<size_t>(std::ceil(0.99 * double(n)));
}

} // namespace troupe
