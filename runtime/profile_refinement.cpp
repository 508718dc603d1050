#include "runtime/profile_refinement.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace troupe {

namespace {

/// `row` measured in a round whose line through `b` gave `now_qps`, in the
/// terms of a line that gave `kept_qps`.
profile_row rescaled(const profile_row& row, double now_qps,
                     double kept_qps) {
  return scaled_row(row, now_qps / kept_qps);
}

double median_qps(const size_rows& x) {
  return 1000 * double(x.row.batch_size) / x.median_ms;
}

/// A row whose throughput is the median pass's.
profile_row median_row(const size_rows& x) {
  return {x.row.batch_size, 0, median_qps(x)};
}

} // namespace

double on_line_qps(const profile_row& lo, const profile_row& hi, uint32_t b) {
  auto t = double(b - lo.batch_size) / double(hi.batch_size - lo.batch_size);
  return lo.throughput_qps + t * (hi.throughput_qps - lo.throughput_qps);
}

placed_size place_between(const size_rows& lo, const size_rows& hi,
                          const size_rows& lo_now, const size_rows& mid_now,
                          const size_rows& hi_now) {
  auto b = mid_now.row.batch_size;
  auto now_qps = on_line_qps(lo_now.row, hi_now.row, b);
  auto kept_qps = on_line_qps(lo.row, hi.row, b);
  placed_size result;
  result.departure = median_qps(mid_now)
                       / on_line_qps(median_row(lo_now), median_row(hi_now), b)
                     - 1;
  result.rows.row = rescaled(mid_now.row, now_qps, kept_qps);
  result.rows.idle_row = rescaled(
    mid_now.idle_row, on_line_qps(lo_now.idle_row, hi_now.idle_row, b),
    on_line_qps(lo.idle_row, hi.idle_row, b));
  result.rows.median_ms = mid_now.median_ms * now_qps / kept_qps;
  return result;
}

int refine_batch_sizes(std::map<uint32_t, size_rows>& kept, double within,
                       size_t max_sizes, const measure_round& measure,
                       const std::function<void(const placed_size&)>&
                         on_added) {
  // Neighbouring pairs with room for a size between them.
  std::vector<std::pair<uint32_t, uint32_t>> open;
  auto open_between = [&open](uint32_t lo, uint32_t hi) {
    if (hi >= lo + 2)
      open.emplace_back(lo, hi);
  };
  for (auto i = kept.begin(); i != kept.end() && std::next(i) != kept.end();
       ++i)
    open_between(i->first, std::next(i)->first);
  int rounds = 0;
  while (!open.empty() && kept.size() < max_sizes) {
    std::vector<uint32_t> sizes;
    for (auto [lo, hi] : open)
      for (auto b : {lo, lo + (hi - lo) / 2, hi})
        sizes.push_back(b);
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    auto now = measure(sizes);
    ++rounds;
    auto intervals = std::move(open);
    open.clear();
    for (auto [lo, hi] : intervals) {
      auto mid = lo + (hi - lo) / 2;
      auto placed = place_between(kept.at(lo), kept.at(hi), now.at(lo),
                                  now.at(mid), now.at(hi));
      if (std::abs(placed.departure) <= within || kept.size() >= max_sizes)
        continue;
      kept[mid] = placed.rows;
      if (on_added)
        on_added(placed);
      open_between(lo, mid);
      open_between(mid, hi);
    }
  }
  return rounds;
}

} // namespace troupe
