#include "runtime/idle_curve.hpp"

#include <algorithm>
#include <cmath>

namespace troupe {

namespace {

constexpr size_t min_reference = 20;
constexpr size_t min_group = 30;
constexpr size_t max_groups = 6;

double mean_ms(const std::vector<served_pass>& passes) {
  double total = 0;
  for (const auto& pass : passes)
    total += pass.ms;
  return total / double(passes.size());
}

/// The median wait, to the microsecond.
caf::timespan median_wait(const std::vector<served_pass>& sorted) {
  auto us = std::round(sorted[sorted.size() / 2].wait_ms * 1000);
  return std::chrono::duration_cast<caf::timespan>(
    std::chrono::microseconds{static_cast<int64_t>(us)});
}

} // namespace

std::vector<idle_point> idle_curve_from(const std::vector<served_pass>& passes,
                                        double idle_ms) {
  std::vector<served_pass> ahead;
  std::vector<served_pass> short_waits;
  std::vector<served_pass> long_waits;
  for (const auto& pass : passes)
    (pass.sent_ahead             ? ahead
     : pass.wait_ms >= idle_ms   ? long_waits
                                 : short_waits)
      .push_back(pass);
  if (ahead.size() < min_reference || long_waits.size() < min_reference)
    return {};
  auto busy = mean_ms(ahead);
  auto extra = mean_ms(long_waits) - busy;
  if (!(extra > 0.05 * busy))
    return {};
  auto by_wait = [](const served_pass& x, const served_pass& y) {
    return x.wait_ms < y.wait_ms;
  };
  std::sort(short_waits.begin(), short_waits.end(), by_wait);
  std::sort(long_waits.begin(), long_waits.end(), by_wait);
  auto groups = std::min(max_groups, short_waits.size() / min_group);
  std::vector<idle_point> curve;
  double share = 0;
  auto add = [&](caf::timespan wait, double x) {
    share = std::clamp(x, share, 1.0);
    if (wait.count() > 0 && (curve.empty() || wait > curve.back().wait))
      curve.push_back({wait, std::round(share * 1000) / 1000});
  };
  for (size_t g = 0; g < groups; ++g) {
    std::vector<served_pass> group(
      short_waits.begin() + g * short_waits.size() / groups,
      short_waits.begin() + (g + 1) * short_waits.size() / groups);
    add(median_wait(group), (mean_ms(group) - busy) / extra);
  }
  add(median_wait(long_waits), 1);
  return curve;
}

} // namespace troupe
