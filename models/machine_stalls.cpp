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
  return per_s * mean_duration_ns(durations, tail_index) * 1e-9;
}

namespace {

/// The share of the stalls beyond the longest of `n` durations: none
/// without a tail.
double tail_mass(size_t n, double tail_index) {
  return tail_index > 0 ? share_beyond_longest(n) : 0.0;
}

} // namespace

double mean_duration_ns(const std::vector<caf::timespan>& d,
                        double tail_index) {
  auto n = d.size();
  if (n == 0)
    return 0.0;
  // The body: the mean of the piecewise-linear quantile function (the
  // trapezoids between its points); one point is its own body.
  double body_ns = static_cast<double>(d.front().count());
  if (n > 1) {
    body_ns = 0;
    for (size_t i = 0; i < n; ++i)
      body_ns += static_cast<double>(d[i].count())
                 * (i == 0 || i + 1 == n ? 0.5 : 1.0);
    body_ns /= static_cast<double>(n - 1);
  }
  auto tail = tail_mass(n, tail_index);
  if (tail == 0)
    return body_ns;
  // The tail beyond the longest point: a Pareto from it, cut at
  // longest_stall. E[min(X, c)] = m + m / (a - 1) * (1 - (m / c)^(a - 1)).
  auto m = static_cast<double>(d.back().count());
  auto c = static_cast<double>(longest_stall.count());
  auto a = tail_index;
  auto tail_ns = m >= c ? m
                        : m + m / (a - 1) * (1 - std::pow(m / c, a - 1));
  return (1 - tail) * body_ns + tail * tail_ns;
}

namespace {

/// The mean gap between calm stalls that keeps the rate at `per_s` with
/// `bursts`' share and gap.
double calm_gap_s(const stall_bursts& bursts, double per_s) {
  return (1 / per_s - bursts.share * to_seconds(bursts.gap))
         / (1 - bursts.share);
}

/// How often a calm stretch turns into a burst, per stall: as often as
/// bursts end (1 / gaps_per_burst), in the proportion that keeps `share`
/// of the gaps in bursts.
double burst_start_chance(const stall_bursts& bursts) {
  return bursts.share / (bursts.gaps_per_burst * (1 - bursts.share));
}

} // namespace

std::string burst_conflict(const stall_bursts& bursts, double per_s) {
  if (!bursts.modelled())
    return {};
  if (bursts.share >= 1)
    return "the share of gaps in bursts must be below 1 (some are calm)";
  if (bursts.gaps_per_burst < 1)
    return "a burst holds at least one gap";
  if (bursts.gap.count() <= 0)
    return "a burst's gap must be positive";
  if (to_seconds(bursts.gap) >= 1 / per_s)
    return fmt::format("a burst's gap ({:g} ms) must be shorter than the "
                       "mean gap of {:g} stalls a second ({:g} ms)",
                       to_ms(bursts.gap), per_s, 1e3 / per_s);
  if (burst_start_chance(bursts) > 1)
    return fmt::format("with {:g} of the gaps in bursts, a burst holds at "
                       "least {:g} gaps on average",
                       bursts.share, bursts.share / (1 - bursts.share));
  return {};
}

caf::timespan stall_duration_at(const stall_time& x, double q) {
  return duration_at(x.durations, q, x.tail_index);
}

caf::timespan duration_at(const std::vector<caf::timespan>& d, double q,
                          double tail_index) {
  auto n = d.size();
  q = std::clamp(q, 0.0, 1.0);
  auto tail = tail_mass(n, tail_index);
  if (tail > 0 && q >= 1 - tail) {
    // Beyond the longest point: how far into the tail, (0, 1].
    auto beyond = std::max((1 - q) / tail, 1e-12);
    auto ns = static_cast<double>(d.back().count())
              * std::pow(beyond, -1 / tail_index);
    ns = std::min(ns, static_cast<double>(longest_stall.count()));
    // (A point read beyond longest_stall stays the longest.)
    return std::max(d.back(), caf::timespan{static_cast<int64_t>(
                                std::llround(ns))});
  }
  auto at = q / (1 - tail) * static_cast<double>(n - 1);
  auto k = static_cast<size_t>(at);
  if (k + 1 >= n)
    return d.back();
  auto frac = at - static_cast<double>(k);
  auto ns = static_cast<double>(d[k].count())
            + frac * static_cast<double>((d[k + 1] - d[k]).count());
  return caf::timespan{static_cast<int64_t>(std::llround(ns))};
}

std::string to_string(const stall_time& x) {
  if (!x.modelled())
    return "none";
  const auto& d = x.durations;
  auto result = fmt::format("{:.1f} a second, {:.2f} to {:.2f} ms (median "
                            "{:.2f} ms), {:.2f}% of a core's time",
                            x.per_s, to_ms(d.front()), to_ms(d.back()),
                            to_ms(d[d.size() / 2]), 100 * x.share());
  if (x.bursts.modelled())
    result += fmt::format(", in bursts of {:.1f} stalls {:.2f} ms apart: "
                          "{:.0f}% of the gaps",
                          x.bursts.gaps_per_burst + 1, to_ms(x.bursts.gap),
                          100 * x.bursts.share);
  return result;
}

machine_stalls::machine_stalls(uint64_t seed, stall_time time)
  : time_(std::move(time)), seed_(seed) {
  if (modelled())
    restart();
}

void machine_stalls::restart() {
  random_.seed(seed_);
  met_random_.seed(~seed_);
  ahead_.clear();
  last_start_ = caf::timespan{0};
  frontier_ = caf::timespan{0};
  // The first stall's state as the chain holds it in the long run.
  in_burst_ = time_.bursts.modelled()
              && std::uniform_real_distribution<double>{0, 1}(random_)
                   < time_.bursts.share;
}

caf::timespan machine_stalls::draw_duration() {
  return stall_duration_at(
    time_, std::uniform_real_distribution<double>{0, 1}(random_));
}

double machine_stalls::draw_gap_s() {
  const auto& bursts = time_.bursts;
  if (!bursts.modelled())
    return std::exponential_distribution<double>{time_.per_s}(random_);
  auto mean_s = in_burst_ ? to_seconds(bursts.gap)
                          : calm_gap_s(bursts, time_.per_s);
  auto gap_s = std::exponential_distribution<double>{1 / mean_s}(random_);
  auto change = in_burst_ ? 1 / bursts.gaps_per_burst
                         : burst_start_chance(bursts);
  if (std::uniform_real_distribution<double>{0, 1}(random_) < change)
    in_burst_ = !in_burst_;
  return gap_s;
}

void machine_stalls::generate_next() {
  auto gap_s = draw_gap_s();
  // A gap beyond an hour ends the path for any run this clock holds.
  gap_s = std::min(gap_s, 3600.0);
  auto begin = frontier_ + caf::timespan{static_cast<int64_t>(gap_s * 1e9)};
  frontier_ = begin + draw_duration();
  ahead_.push_back(
    {begin, frontier_,
     std::uniform_real_distribution<double>{0, 1}(met_random_)});
}

caf::timespan machine_stalls::stretch(caf::timespan start,
                                      caf::timespan work, double met) {
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
    if (s.met_above >= met)
      continue;
    if (s.begin > t)
      left -= s.begin - t;
    t = std::max(t, s.end);
  }
  return t + left - start;
}

} // namespace troupe
