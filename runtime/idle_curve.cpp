#include "runtime/idle_curve.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <sys/prctl.h>

#include "runtime/model_profiler.hpp"
#include "runtime/statistics.hpp"

namespace troupe {

namespace {

/// Sets the calling thread's timer slack (ns) for its lifetime, and
/// restores it: a sleep of 10 us otherwise lasts the kernel's default slack
/// of 50 us more.
class timer_slack {
public:
  explicit timer_slack(unsigned long ns)
    : previous_(static_cast<unsigned long>(::prctl(PR_GET_TIMERSLACK))) {
    ::prctl(PR_SET_TIMERSLACK, ns);
  }
  ~timer_slack() {
    ::prctl(PR_SET_TIMERSLACK, previous_);
  }
  timer_slack(const timer_slack&) = delete;
  timer_slack& operator=(const timer_slack&) = delete;

private:
  unsigned long previous_;
};

} // namespace

std::vector<idle_point> measure_idle_curve(const pass_after_pause& run_after,
                                           const profiler_options& options) {
  if (options.idle_curve_pauses.empty())
    return {};
  timer_slack slack{1000};
  auto pauses = options.idle_curve_pauses;
  pauses.insert(pauses.begin(), std::chrono::microseconds{0});
  pauses.push_back(options.idle_pause);
  std::sort(pauses.begin(), pauses.end());
  pauses.erase(std::unique(pauses.begin(), pauses.end()), pauses.end());
  struct samples {
    std::vector<double> waits_ms;
    double total_ms = 0;
  };
  std::vector<samples> measured(pauses.size());
  std::vector<size_t> order(pauses.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::mt19937_64 shuffle{2};
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  for (;;) {
    auto rounds = measured.front().waits_ms.size();
    auto elapsed
      = std::chrono::duration<double>(clock::now() - started).count();
    if (rounds >= options.max_runs || elapsed >= options.max_seconds
        || (rounds >= options.min_runs && elapsed >= options.min_seconds))
      break;
    std::shuffle(order.begin(), order.end(), shuffle);
    for (auto i : order) {
      auto pass = run_after(pauses[i]);
      measured[i].waits_ms.push_back(pass.wait_ms);
      measured[i].total_ms += pass.ms;
    }
  }
  auto mean = [&](size_t i) {
    return measured[i].total_ms / double(measured[i].waits_ms.size());
  };
  auto busy = mean(0);
  auto extra = mean(pauses.size() - 1) - busy;
  if (!(extra > 0.05 * busy))
    return {};
  std::vector<idle_point> curve;
  double share = 0;
  for (size_t i = 1; i < pauses.size(); ++i) {
    share = std::clamp((mean(i) - busy) / extra, share, 1.0);
    // The wait to the microsecond, as a profile file shows it.
    auto wait_us = std::round(
      summarize_latencies(measured[i].waits_ms).p50 * 1000);
    auto wait = std::chrono::duration_cast<caf::timespan>(
      std::chrono::microseconds{static_cast<int64_t>(wait_us)});
    if (wait.count() <= 0 || (!curve.empty() && wait <= curve.back().wait))
      continue;
    curve.push_back({wait, std::round(share * 1000) / 1000});
  }
  if (!curve.empty())
    curve.back().share = 1;
  return curve;
}

} // namespace troupe
