#include "policies/rafiki/tables.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace troupe::rafiki {

std::string tables::problem() const {
  auto m = models();
  if (m == 0 || m > 16)
    return fmt::format("{} models (1 to 16)", m);
  if (batch_sizes.empty())
    return "no batch sizes";
  for (size_t i = 0; i < batch_sizes.size(); ++i)
    if (batch_sizes[i] == 0 || (i > 0 && batch_sizes[i] <= batch_sizes[i - 1]))
      return "batch sizes must be positive and ascending";
  for (size_t k = 0; k < m; ++k) {
    if (latency_s[k].size() != batch_sizes.size())
      return fmt::format("model {} has {} latencies for {} batch sizes", k,
                         latency_s[k].size(), batch_sizes.size());
    for (double x : latency_s[k])
      if (!(x > 0) || !std::isfinite(x))
        return fmt::format("model {} has a latency of {} s", k, x);
  }
  size_t subsets = (size_t{1} << m) - 1;
  if (accuracy.size() != subsets)
    return fmt::format("{} accuracies for the {} subsets of {} models",
                       accuracy.size(), subsets, m);
  for (double a : accuracy)
    if (!(a >= 0 && a <= 1))
      return fmt::format("an accuracy of {} (0 to 1)", a);
  return {};
}

double tables::max_latency_s() const {
  double most = 0;
  for (const auto& row : latency_s)
    for (double x : row)
      most = std::max(most, x);
  return most;
}

double tables::arrival_rate_qps(bool sync) const {
  double rate = 0;
  for (const auto& row : latency_s) {
    if (sync)
      rate = std::max(rate, double(batch_sizes.front()) / row.front());
    else
      rate += double(batch_sizes.back()) / row.back();
  }
  return rate;
}

tables seed_tables() {
  tables t;
  t.batch_sizes = {16, 32, 48, 64};
  t.latency_s = {{0.0715, 0.129, 0.182, 0.235},
                 {0.125, 0.224, 0.322, 0.422},
                 {0.123, 0.225, 0.325, 0.431}};
  t.accuracy = {0.7798, 0.8018, 0.8037, 0.8018, 0.8037, 0.8037, 0.8128};
  return t;
}

} // namespace troupe::rafiki
