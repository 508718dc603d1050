#include "runtime/idle_curve.hpp"

#include <algorithm>
#include <cmath>

namespace troupe {

namespace {

constexpr size_t min_group = 30;
constexpr size_t max_groups = 8;
constexpr double max_share = 4;

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
                                        double rows_ms, double idle_rows_ms) {
  auto extra = idle_rows_ms - rows_ms;
  if (!(extra > 0.05 * rows_ms))
    return {};
  std::vector<served_pass> waited;
  for (const auto& pass : passes)
    if (!pass.sent_ahead)
      waited.push_back(pass);
  std::sort(waited.begin(), waited.end(),
            [](const served_pass& x, const served_pass& y) {
              return x.wait_ms < y.wait_ms;
            });
  auto groups = std::min(max_groups, waited.size() / min_group);
  std::vector<idle_point> curve;
  double share = 0;
  for (size_t g = 0; g < groups; ++g) {
    std::vector<served_pass> group(
      waited.begin() + g * waited.size() / groups,
      waited.begin() + (g + 1) * waited.size() / groups);
    share = std::clamp((mean_ms(group) - rows_ms) / extra, share, max_share);
    auto wait = median_wait(group);
    if (wait.count() > 0 && (curve.empty() || wait > curve.back().wait))
      curve.push_back({wait, std::round(share * 1000) / 1000});
  }
  return curve;
}

} // namespace troupe
