#include "runtime/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace troupe {

namespace {

/// The nearest rank of `percent` among `total` values (1-based; total > 0):
/// ceil(p/100 * n), computed so that e.g. 99.9% of 1000 is exactly 999.
size_t rank_of(double percent, size_t total) {
  auto rank = static_cast<size_t>(std::ceil(percent * double(total) / 100.0
                                            - 1e-9));
  return std::clamp<size_t>(rank, 1, total);
}

/// The nearest-rank percentile of values in any order (reordered).
double nearest_rank_unsorted(std::vector<double>& values, double percent) {
  if (values.empty())
    return 0;
  auto at = values.begin()
            + static_cast<std::ptrdiff_t>(rank_of(percent, values.size()) - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

} // namespace

double nearest_rank(const std::vector<double>& sorted, double percent) {
  return nearest_rank_of_all(sorted, sorted.size(), percent);
}

double nearest_rank_of_all(const std::vector<double>& sorted, size_t total,
                           double percent) {
  if (total == 0)
    return 0;
  auto rank = rank_of(percent, total);
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

gap_interval resampled_percentile_gap(const std::vector<paired_samples>& pairs,
                                      double percent, double level, int draws,
                                      uint64_t seed) {
  if (pairs.empty() || draws < 1)
    return {};
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<size_t> pick(0, pairs.size() - 1);
  std::vector<double> gaps;
  std::vector<double> first;
  std::vector<double> second;
  for (int draw = 0; draw < draws; ++draw) {
    first.clear();
    second.clear();
    for (size_t i = 0; i < pairs.size(); ++i) {
      const auto& p = pairs[pick(random)];
      first.insert(first.end(), p.first->begin(), p.first->end());
      second.insert(second.end(), p.second->begin(), p.second->end());
    }
    auto a = nearest_rank_unsorted(first, percent);
    auto b = nearest_rank_unsorted(second, percent);
    gaps.push_back(100.0 * (b - a) / a);
  }
  std::sort(gaps.begin(), gaps.end());
  auto tail = 100.0 * (1 - level) / 2;
  return {nearest_rank(gaps, tail), nearest_rank(gaps, 100 - tail)};
}

} // namespace troupe
