#include "runtime/wake_curve.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "models/durations.hpp"
#include "models/poll_window.hpp"
#include "runtime/stall_fit.hpp"

namespace troupe {

namespace {

constexpr size_t max_groups = 8;
/// The slower kind's median over the faster's that makes them two kinds.
constexpr double min_kind_ratio = 1.5;
/// The longest windows tried, in us.
constexpr int longest_windows_us[] = {20, 30, 50, 75, 100, 150,
                                      200, 300, 500, 750, 1000};

double median_of(std::vector<double> ms) {
  auto middle = ms.begin() + ms.size() / 2;
  std::nth_element(ms.begin(), middle, ms.end());
  return *middle;
}

/// `ms` to the nearest `step_us` microseconds, at least `least_us`.
caf::timespan rounded(double ms, double step_us, double least_us) {
  auto us = std::max(least_us, std::round(ms * 1000 / step_us) * step_us);
  return from_ms(us / 1000);
}

/// The hand-off below which a batch found the core polling: the cut that
/// best splits the logarithms of `handoffs_ms` in two (least squares),
/// where the two sides make two kinds; none otherwise.
std::optional<double> polled_below(std::vector<double> handoffs_ms) {
  std::vector<double> logs;
  for (auto ms : handoffs_ms)
    logs.push_back(std::log(std::max(ms, 1e-4)));
  std::sort(logs.begin(), logs.end());
  auto n = logs.size();
  std::vector<double> sum(n + 1, 0), squares(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    sum[i + 1] = sum[i] + logs[i];
    squares[i + 1] = squares[i] + logs[i] * logs[i];
  }
  auto spread = [&](size_t from, size_t to) {
    auto k = double(to - from);
    auto s = sum[to] - sum[from];
    return squares[to] - squares[from] - s * s / k;
  };
  std::optional<size_t> cut;
  double least = 0;
  for (auto i = min_group_passes; i + min_group_passes <= n; ++i) {
    if (logs[i] == logs[i - 1])
      continue;
    auto within = spread(0, i) + spread(i, n);
    if (!cut || within < least) {
      cut = i;
      least = within;
    }
  }
  if (!cut)
    return std::nullopt;
  auto fast = logs[*cut / 2];
  auto slow = logs[*cut + (n - *cut) / 2];
  if (std::exp(slow - fast) < min_kind_ratio)
    return std::nullopt;
  return std::exp((logs[*cut - 1] + logs[*cut]) / 2);
}

/// How often poll_window with `longest`, replayed on a run's waits (in
/// order), tells the kinds of its measured messages apart.
double told_apart(const std::vector<woken_message>& run, caf::timespan longest,
                  double polled_below_ms) {
  poll_window window{longest};
  size_t right = 0;
  size_t measured = 0;
  for (const auto& m : run) {
    auto polled = window.polled(from_ms(m.wait_ms));
    if (!m.measured)
      continue;
    ++measured;
    right += polled == (m.handoff_ms < polled_below_ms);
  }
  return measured == 0 ? 0 : double(right) / double(measured);
}

/// The measured hand-offs of `runs`.
std::vector<double>
measured_ms(const std::vector<std::vector<woken_message>>& runs) {
  std::vector<double> result;
  for (const auto& run : runs)
    for (const auto& m : run)
      if (m.measured)
        result.push_back(m.handoff_ms);
  return result;
}

/// The curve's points for the woken messages `woken`, after `curve`'s.
void add_groups(std::vector<woken_message> woken,
                std::vector<wake_point>& curve) {
  std::sort(woken.begin(), woken.end(),
            [](const woken_message& x, const woken_message& y) {
              return x.wait_ms < y.wait_ms;
            });
  auto groups = std::min(max_groups, woken.size() / min_group_passes);
  auto first_of = [&](size_t g) { return g * woken.size() / groups; };
  for (size_t g = 0; g < groups; ++g) {
    auto first = first_of(g);
    auto last = first_of(g + 1);
    std::vector<double> handoffs;
    for (auto i = first; i < last; ++i)
      handoffs.push_back(woken[i].handoff_ms);
    wake_point point{rounded(woken[first + (last - first) / 2].wait_ms, 1, 1),
                     rounded(median_of(handoffs), 0.1, 0.1)};
    if (!curve.empty())
      point.handoff = std::max(point.handoff, curve.back().handoff);
    if (curve.empty() || point.wait > curve.back().wait)
      curve.push_back(point);
    else
      curve.back().handoff = point.handoff;
  }
}

} // namespace

wake_time fit_wake(std::vector<double> ahead_ms,
                   std::vector<std::vector<woken_message>> woken_runs) {
  // A hand-off that a stall held is the stalls' (the profile places them
  // apart: runtime/stall_fit.hpp), not a kind of wake-up: left out of those
  // sent ahead, and not measured among the woken (its wait still adapted
  // the poll).
  if (!ahead_ms.empty()) {
    auto median = median_of(ahead_ms);
    ahead_ms.erase(std::remove_if(ahead_ms.begin(), ahead_ms.end(),
                                  [median](double ms) {
                                    return marks_stall(ms, median);
                                  }),
                   ahead_ms.end());
  }
  wake_time result;
  auto woken_ms = measured_ms(woken_runs);
  if (woken_ms.size() < min_group_passes)
    return result;
  auto woken_median = median_of(woken_ms);
  for (auto& run : woken_runs)
    for (auto& m : run)
      m.measured = m.measured && !marks_stall(m.handoff_ms, woken_median);
  woken_ms = measured_ms(woken_runs);
  if (woken_ms.size() < min_group_passes)
    return result;
  if (ahead_ms.size() >= min_group_passes)
    result.curve.push_back({caf::timespan{0},
                            rounded(median_of(ahead_ms), 0.1, 0.1)});
  // Where a poll is found, the hand-offs below this found it polling.
  std::optional<double> polled_cut;
  if (auto cut = polled_below(woken_ms)) {
    // The window that tells the kinds apart best, against calling every
    // message slow or every one polled (a window that only calls the
    // most of them polled has found no poll: a tail, not a kind), by more
    // than chance does: two standard errors of a share of that many.
    auto score = [&](caf::timespan longest) {
      double total = 0;
      size_t counted = 0;
      for (const auto& run : woken_runs)
        if (!run.empty()) {
          total += told_apart(run, longest, *cut);
          ++counted;
        }
      return total / double(counted);
    };
    auto polled_share = double(std::count_if(woken_ms.begin(), woken_ms.end(),
                                             [&](double ms) {
                                               return ms < *cut;
                                             }))
                        / double(woken_ms.size());
    auto trivial = std::max(score(caf::timespan{0}), polled_share);
    auto best = trivial
                + 2 * std::sqrt(trivial * (1 - trivial)
                                / double(woken_ms.size()));
    for (auto us : longest_windows_us) {
      auto longest = std::chrono::duration_cast<caf::timespan>(
        std::chrono::microseconds{us});
      if (auto s = score(longest); s > best) {
        best = s;
        result.poll.longest = longest;
      }
    }
    if (result.poll.modelled())
      polled_cut = cut;
  }
  std::vector<double> polled;
  std::vector<woken_message> slept;
  for (const auto& run : woken_runs)
    for (const auto& m : run) {
      if (!m.measured)
        continue;
      if (polled_cut && m.handoff_ms < *polled_cut)
        polled.push_back(m.handoff_ms);
      else
        slept.push_back(m);
    }
  if (!polled.empty())
    result.poll.polled = rounded(median_of(polled), 0.1, 0.1);
  add_groups(std::move(slept), result.curve);
  return result;
}

wake_time fit_replica_wake(const std::vector<std::vector<served_pass>>& runs) {
  std::vector<double> ahead_ms;
  std::vector<std::vector<woken_message>> woken_runs;
  for (const auto& passes : runs) {
    woken_runs.emplace_back();
    for (const auto& pass : passes) {
      if (pass.sent_ahead)
        ahead_ms.push_back(pass.handoff_ms);
      else
        woken_runs.back().push_back(
          {std::max(0.0, pass.wait_ms - pass.handoff_ms), pass.handoff_ms});
    }
  }
  return fit_wake(ahead_ms, woken_runs);
}

} // namespace troupe
