#pragma once

// Latency statistics with the percentile definition of the issue tracker:
// nearest rank, pXX = the value at rank ceil(XX/100 * n) of the sorted values.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace troupe {

/// The nearest-rank percentile of already sorted values; 0 when empty.
double nearest_rank(const std::vector<double>& sorted, double percent);

/// The nearest-rank percentile over `total` requests of which `sorted`
/// (ascending) are the latencies of those that completed; the others count
/// as infinitely late, so the result is +infinity when the rank falls
/// among them (at p99: when more than 1% did not complete). 0 when total is
/// 0.
double nearest_rank_of_all(const std::vector<double>& sorted, size_t total,
                           double percent);

struct latency_summary {
  size_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
};

/// Summarizes latencies (any order; sorted in place).
latency_summary summarize_latencies(std::vector<double>& values);

/// The typical tail of a short measurement: `values` in the order they were
/// taken, cut into 3 or 5 equal consecutive windows (at least 200 values
/// each; one window when fewer), the median of the windows' nearest-rank
/// percentiles. One stall of the machine delays a burst of neighbouring
/// values: it sets one window's tail, and in a measurement of a second or
/// two the whole's p99, but not the typical window's.
double typical_percentile(const std::vector<double>& values, double percent);

/// Two samples of one quantity taken at the same moment: a real run's
/// latencies and its virtual seeds', say.
struct paired_samples {
  const std::vector<double>* first = nullptr;
  const std::vector<double>* second = nullptr;
};

struct gap_interval {
  double low = 0;
  double high = 0;
};

/// How sure a gap between pooled percentiles is: the pairs drawn again
/// with replacement `draws` times (a fixed seed), each draw's firsts and
/// seconds pooled, its gap 100 * (second's - first's) / first's `percent`
/// percentile; the central `level` (e.g. 0.9) of those gaps. When each pair
/// is one moment of a moving machine, the interval is how far other
/// moments could take the gap; one pair gives its own gap at both ends.
/// {0, 0} without pairs.
gap_interval resampled_percentile_gap(const std::vector<paired_samples>& pairs,
                                      double percent, double level,
                                      int draws = 200, uint64_t seed = 1);

} // namespace troupe
