#include "policies/scaling/envelope_tuner.hpp"

#include <algorithm>
#include <cmath>

namespace troupe {

namespace {

/// The largest sum of `width` consecutive buckets.
uint64_t max_window_sum(const std::deque<uint32_t>& buckets, size_t width) {
  uint64_t sum = 0;
  uint64_t best = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    sum += buckets[i];
    if (i >= width)
      sum -= buckets[i - width];
    best = std::max(best, sum);
  }
  return best;
}

} // namespace

double envelope_capacity_qps(const tuner_inputs& in) {
  if (in.buckets == nullptr || in.buckets->empty() || in.bucket_s <= 0)
    return 0;
  auto history = in.buckets->size();
  auto width = std::max<size_t>(
    1, static_cast<size_t>(std::ceil(in.shortest_s / in.bucket_s - 1e-9)));
  auto longest = std::min<size_t>(
    history, static_cast<size_t>(std::ceil(in.longest_s / in.bucket_s)));
  double result = 0;
  for (;; width *= 2) {
    width = std::min(width, longest);
    auto window_s = static_cast<double>(width) * in.bucket_s;
    auto arrivals = static_cast<double>(max_window_sum(*in.buckets, width));
    result = std::max(result, arrivals / (window_s + in.slack_s));
    if (width >= longest)
      break;
  }
  return result;
}

uint32_t tuner_workers(const tuner_inputs& in) {
  auto need = envelope_capacity_qps(in) / in.per_worker_qps;
  return std::max(1u, static_cast<uint32_t>(std::ceil(need - 1e-9)));
}

} // namespace troupe
