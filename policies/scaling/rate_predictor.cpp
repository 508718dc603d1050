#include "policies/scaling/rate_predictor.hpp"

#include <algorithm>

namespace troupe {

rate_predictor::rate_predictor(size_t window)
  : window_(std::max<size_t>(1, window)) {
  // nop
}

void rate_predictor::add(double time_s, double rate_qps) {
  points_.emplace_back(time_s, rate_qps);
  while (points_.size() > window_)
    points_.pop_front();
}

double rate_predictor::predict(double time_s) const {
  if (points_.empty())
    return 0;
  auto n = static_cast<double>(points_.size());
  double mean_t = 0;
  double mean_r = 0;
  for (const auto& [t, r] : points_) {
    mean_t += t / n;
    mean_r += r / n;
  }
  double covariance = 0;
  double variance = 0;
  for (const auto& [t, r] : points_) {
    covariance += (t - mean_t) * (r - mean_r);
    variance += (t - mean_t) * (t - mean_t);
  }
  auto slope = variance > 0 ? covariance / variance : 0.0;
  return std::max(0.0, mean_r + slope * (time_s - mean_t));
}

} // namespace troupe
