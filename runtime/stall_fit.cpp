#include "runtime/stall_fit.hpp"

#include <algorithm>
#include <cmath>

#include "models/durations.hpp"
#include "runtime/burst_fit.hpp"

namespace troupe {

stall_time fit_stalls(const std::vector<std::vector<core_delay>>& cores,
                      caf::timespan span, size_t points) {
  stall_time result;
  if (cores.empty() || to_seconds(span) < min_stall_span_s || points < 2)
    return result;
  std::vector<double> stalls_ms;
  // Each core's gaps from a stall's end to the next one's start.
  std::vector<std::vector<double>> gaps_s;
  for (auto delays : cores) {
    auto& gaps = gaps_s.emplace_back();
    std::sort(delays.begin(), delays.end(),
              [](const auto& x, const auto& y) { return x.at < y.at; });
    // The stall under way: when its delay ends, and its largest delay.
    caf::timespan ends{0};
    double longest = 0;
    for (const auto& d : delays) {
      if (longest > 0 && d.at < ends) {
        longest = std::max(longest, d.excess_ms);
        ends = std::max(ends, d.at + from_ms(d.excess_ms));
        continue;
      }
      if (longest > 0) {
        stalls_ms.push_back(longest);
        gaps.push_back(to_seconds(d.at - ends));
      }
      longest = d.excess_ms;
      ends = d.at + from_ms(d.excess_ms);
    }
    if (longest > 0)
      stalls_ms.push_back(longest);
  }
  if (stalls_ms.empty())
    return result;
  std::sort(stalls_ms.begin(), stalls_ms.end());
  auto n = stalls_ms.size();
  auto kept = std::min(n, points);
  for (size_t k = 0; k < kept; ++k) {
    // Rounded to the microsecond, as a profile file shows it.
    auto at = kept == 1 ? n - 1
                        : static_cast<size_t>(std::llround(
                          double(k) * double(n - 1) / double(kept - 1)));
    result.durations.push_back(
      from_ms(std::round(stalls_ms[at] * 1000) / 1000));
  }
  auto per_s = double(n) / (to_seconds(span) * double(cores.size()));
  result.per_s = std::round(per_s * 1000) / 1000;
  result.bursts = fit_bursts(gaps_s, result.per_s).bursts;
  return result;
}

} // namespace troupe
