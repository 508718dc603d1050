#pragma once

// Seed 004's rate prediction: a least-squares line through the last few
// measured rates, read off ahead by the cold start (a worker ordered now
// serves only then).

#include <cstddef>
#include <deque>
#include <utility>

namespace troupe {

class rate_predictor {
public:
  /// Fits over the last `window` measurements (at least 1).
  explicit rate_predictor(size_t window = 10);

  /// A rate measured over the interval that ended at `time_s`.
  void add(double time_s, double rate_qps);

  /// The fitted rate at `time_s`, never negative; 0 before any measurement,
  /// the measurement itself after one.
  double predict(double time_s) const;

  size_t size() const {
    return points_.size();
  }

private:
  size_t window_;
  std::deque<std::pair<double, double>> points_;
};

} // namespace troupe
