#include "runtime/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace troupe {

double nearest_rank(const std::vector<double>& sorted, double percent) {
  return nearest_rank_of_all(sorted, sorted.size(), percent);
}

double nearest_rank_of_all(const std::vector<double>& sorted, size_t total,
                           double percent) {
  if (total == 0)
    return 0;
  // ceil(p/100 * n), computed so that e.g. 99.9% of 1000 is exactly rank 999.
  auto rank = static_cast<size_t>(std::ceil(percent * double(total) / 100.0
                                            - 1e-9));
  rank = std::clamp<size_t>(rank, 1, total);
  return rank <= sorted.size() ? sorted[rank - 1]
                               : std::numeric_limits<double>::infinity();
}

latency_summary summarize_latencies(std::vector<double>& values) {
  latency_summary result;
  result.count = values.size();
  if (values.empty())
    return result;
  std::sort(values.begin(), values.end());
  result.mean = std::accumulate(values.begin(), values.end(), 0.0)
                / double(values.size());
  result.p50 = nearest_rank(values, 50);
  result.p90 = nearest_rank(values, 90);
  result.p99 = nearest_rank(values, 99);
  result.p999 = nearest_rank(values, 99.9);
  result.max = values.back();
  return result;
}

double typical_percentile(const std::vector<double>& values,
                          double percent) {
  constexpr size_t per_window = 200;
  size_t windows = values.size() >= 5 * per_window   ? 5
                   : values.size() >= 3 * per_window ? 3
                                                     : 1;
  std::vector<double> tails;
  for (size_t w = 0; w < windows; ++w) {
    std::vector<double> window(values.begin() + values.size() * w / windows,
                               values.begin()
                                 + values.size() * (w + 1) / windows);
    std::sort(window.begin(), window.end());
    tails.push_back(nearest_rank(window, percent));
  }
  std::sort(tails.begin(), tails.end());
  return tails[tails.size() / 2];
}

} // namespace troupe
