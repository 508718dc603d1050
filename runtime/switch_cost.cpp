#include "runtime/switch_cost.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "models/durations.hpp"

namespace troupe {

namespace {

constexpr double max_factor = 2;

struct groups {
  double same = 0;
  size_t same_count = 0;
  double other = 0;
  size_t other_count = 0;
};

} // namespace

std::vector<profile_row>
switch_rows_from(const std::vector<served_pass>& passes, const profile& p) {
  if (p.empty())
    return {};
  std::map<uint32_t, groups> by_size;
  for (const auto& pass : passes) {
    if (pass.sent_ahead || pass.size == 0 || pass.size > p.max_batch())
      continue;
    auto wait = from_ms(std::max(0.0, pass.wait_ms));
    auto charged = to_ms(p.service_time_after(pass.size, wait));
    if (!(charged > 0))
      continue;
    auto& g = by_size[pass.size];
    if (pass.previous_size == pass.size) {
      g.same += pass.ms / charged;
      ++g.same_count;
    } else {
      g.other += pass.ms / charged;
      ++g.other_count;
    }
  }
  std::map<uint32_t, double> factors;
  for (const auto& [size, g] : by_size)
    if (g.same_count >= min_group_passes
        && g.other_count >= min_group_passes)
      factors[size] = std::clamp((g.other / double(g.other_count))
                                   / (g.same / double(g.same_count)),
                                 1.0, max_factor);
  if (factors.empty())
    return {};
  auto factor_at = [&](uint32_t b) {
    auto above = factors.lower_bound(b);
    if (above == factors.end())
      return factors.rbegin()->second;
    if (above->first == b || above == factors.begin())
      return above->second;
    auto below = std::prev(above);
    auto t = double(b - below->first) / double(above->first - below->first);
    return below->second + t * (above->second - below->second);
  };
  std::vector<profile_row> result;
  for (const auto& row : p.rows) {
    result.push_back(
      scaled_row(row, std::round(factor_at(row.batch_size) * 1000) / 1000));
  }
  return result;
}

} // namespace troupe
