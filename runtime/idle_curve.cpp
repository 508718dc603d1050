#include "runtime/idle_curve.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "models/durations.hpp"
#include "runtime/statistics.hpp"

namespace troupe {

namespace {

constexpr size_t max_groups = 8;
constexpr double max_share = 4;
constexpr double max_tail_share = 10;

/// The extra of `idle` over `busy`, where it is at least 5% of `busy`.
std::optional<double> extra_over(double busy, double idle) {
  auto extra = idle - busy;
  if (extra > 0.05 * busy)
    return extra;
  return std::nullopt;
}

using pass_iterator = std::vector<served_pass>::const_iterator;

/// The median wait of passes sorted by their wait, to the microsecond.
caf::timespan median_wait(pass_iterator first, pass_iterator last) {
  auto us = std::round(first[(last - first) / 2].wait_ms * 1000);
  return std::chrono::duration_cast<caf::timespan>(
    std::chrono::microseconds{static_cast<int64_t>(us)});
}

double rounded(double share) {
  return std::round(share * 1000) / 1000;
}

} // namespace

std::vector<idle_point> idle_curve_from(const std::vector<served_pass>& passes,
                                        const profile& p) {
  auto rows_ms = to_ms(p.service_time(1, false));
  auto extra = extra_over(rows_ms, to_ms(p.service_time(1, true)));
  if (!extra)
    return {};
  auto rows_p99_ms = p.p99_ms(1, false);
  auto extra_p99 = extra_over(rows_p99_ms, p.p99_ms(1, true));
  std::vector<served_pass> waited;
  for (const auto& pass : passes)
    if (!pass.sent_ahead)
      waited.push_back(pass);
  std::sort(waited.begin(), waited.end(),
            [](const served_pass& x, const served_pass& y) {
              return x.wait_ms < y.wait_ms;
            });
  auto groups = std::min(max_groups, waited.size() / min_group_passes);
  auto first_of = [&](size_t g) {
    return waited.cbegin() + g * waited.size() / groups;
  };
  // The groups' mean times, and each pass's excess over its group's mean,
  // pooled: their p99 is of all the passes that waited (a group's own p99
  // would be its slowest one or two passes, and one stall of the machine
  // would set it).
  std::vector<double> means;
  std::vector<double> excess;
  for (size_t g = 0; g < groups; ++g) {
    double total = 0;
    for (auto pass = first_of(g); pass != first_of(g + 1); ++pass)
      total += pass->ms;
    means.push_back(total / double(first_of(g + 1) - first_of(g)));
    for (auto pass = first_of(g); pass != first_of(g + 1); ++pass)
      excess.push_back(pass->ms - means.back());
  }
  auto excess_p99 = groups > 0 ? summarize_latencies(excess).p99 : 0.0;
  std::vector<idle_point> curve;
  double share = 0;
  double tail_share = 0;
  for (size_t g = 0; g < groups; ++g) {
    share = std::clamp((means[g] - rows_ms) / *extra, share, max_share);
    tail_share = extra_p99
                   ? std::clamp((means[g] + excess_p99 - rows_p99_ms)
                                  / *extra_p99,
                                tail_share, max_tail_share)
                   : share;
    auto wait = median_wait(first_of(g), first_of(g + 1));
    if (wait.count() > 0 && (curve.empty() || wait > curve.back().wait))
      curve.push_back({wait, rounded(share), rounded(tail_share)});
  }
  return curve;
}

} // namespace troupe
