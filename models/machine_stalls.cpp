#include "models/machine_stalls.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "models/durations.hpp"

namespace troupe {

double stall_time::share() const {
  if (!modelled())
    return 0;
  // The mean of the piecewise-linear quantile function (the trapezoids
  // between its points).
  auto n = durations.size();
  if (n == 1)
    return per_s * to_seconds(durations.front());
  double sum_ns = 0;
  for (size_t i = 0; i < n; ++i)
    sum_ns += static_cast<double>(durations[i].count())
              * (i == 0 || i + 1 == n ? 0.5 : 1.0);
  return per_s * sum_ns / static_cast<double>(n - 1) * 1e-9;
}

std::string to_string(const stall_time& x) {
  if (!x.modelled())
    return "none";
  const auto& d = x.durations;
  return fmt::format("{:.1f} a second, {:.2f} to {:.2f} ms (median "
                     "{:.2f} ms), {:.2f}% of a core's time",
                     x.per_s, to_ms(d.front()), to_ms(d.back()),
                     to_ms(d[d.size() / 2]), 100 * x.share());
}

machine_stalls::machine_stalls(uint64_t seed, stall_time time)
  : time_(std::move(time)), seed_(seed) {
  if (modelled())
    restart();
}

void machine_stalls::restart() {
  random_.seed(seed_);
  ahead_.clear();
  last_start_ = caf::timespan{0};
  frontier_ = caf::timespan{0};
}

caf::timespan machine_stalls::draw_duration() {
  // The quantile function through the points at k / (n - 1).
  const auto& d = time_.durations;
  auto u = std::uniform_real_distribution<double>{0, 1}(random_);
  auto x = u * static_cast<double>(d.size() - 1);
  auto k = static_cast<size_t>(x);
  if (k + 1 >= d.size())
    return d.back();
  auto frac = x - static_cast<double>(k);
  auto ns = static_cast<double>(d[k].count())
            + frac * static_cast<double>((d[k + 1] - d[k]).count());
  return caf::timespan{static_cast<int64_t>(std::llround(ns))};
}

void machine_stalls::generate_next() {
  auto gap_s = std::exponential_distribution<double>{time_.per_s}(random_);
  // A gap beyond an hour ends the path for any run this clock holds.
  gap_s = std::min(gap_s, 3600.0);
  auto begin = frontier_ + caf::timespan{static_cast<int64_t>(gap_s * 1e9)};
  frontier_ = begin + draw_duration();
  ahead_.push_back({begin, frontier_});
}

caf::timespan machine_stalls::stretch(caf::timespan start,
                                      caf::timespan work) {
  if (!modelled() || work.count() < 0)
    return work;
  if (start < last_start_)
    restart();
  // Stalls wholly behind this start are behind every later one too.
  while (!ahead_.empty() && ahead_.front().end <= start)
    ahead_.pop_front();
  last_start_ = start;
  auto t = start;
  auto left = work;
  for (size_t i = 0;; ++i) {
    while (i >= ahead_.size())
      generate_next();
    const auto& s = ahead_[i];
    if (s.begin >= t + left)
      break;
    if (s.begin > t)
      left -= s.begin - t;
    t = std::max(t, s.end);
  }
  return t + left - start;
}

} // namespace troupe
