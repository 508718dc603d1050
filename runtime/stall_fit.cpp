#include "runtime/stall_fit.hpp"

#include <algorithm>
#include <cmath>

#include "models/durations.hpp"
#include "runtime/burst_fit.hpp"

namespace troupe {

std::vector<caf::timespan> quantile_points(std::vector<double> ms,
                                           size_t points) {
  std::vector<caf::timespan> result;
  if (ms.empty() || points == 0)
    return result;
  std::sort(ms.begin(), ms.end());
  auto n = double(ms.size());
  auto kept = std::min(ms.size(), points);
  // Virtual time draws the m points kept as the quantiles up to
  // 1 - share_beyond_longest(m) = m / (m + 1) and a tail beyond
  // (models/machine_stalls.hpp: duration_at), so the points run from the
  // shortest stall to the one at rank (n + 1) m / (m + 1) of n: every
  // stall where m = n.
  auto top_rank
    = std::min(n, (n + 1) * (1 - share_beyond_longest(kept)));
  for (size_t k = 0; k < kept; ++k) {
    auto rank = kept == 1 ? top_rank
                          : 1 + double(k) * (top_rank - 1) / double(kept - 1);
    auto at = static_cast<size_t>(std::llround(rank)) - 1;
    // Rounded to the microsecond, as a profile file shows it.
    result.push_back(from_ms(std::round(ms[at] * 1000) / 1000));
  }
  return result;
}

wake_stalls fit_wake_stalls(const std::vector<double>& excess_ms,
                            size_t wake_ups, size_t points) {
  wake_stalls result;
  if (excess_ms.empty() || wake_ups == 0)
    return result;
  // Rounded to a millionth, as a profile file shows it.
  result.share = std::round(1e6 * double(excess_ms.size()) / double(wake_ups))
                 / 1e6;
  result.durations = quantile_points(excess_ms, points);
  result.tail_index = measured_stall_tail_index;
  return result;
}

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
  auto n = stalls_ms.size();
  result.durations = quantile_points(std::move(stalls_ms), points);
  result.tail_index = measured_stall_tail_index;
  auto per_s = double(n) / (to_seconds(span) * double(cores.size()));
  result.per_s = std::round(per_s * 1000) / 1000;
  result.bursts = fit_bursts(gaps_s, result.per_s).bursts;
  return result;
}

} // namespace troupe
