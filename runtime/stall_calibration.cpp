#include "runtime/stall_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "models/durations.hpp"

namespace troupe {

namespace {

/// How far one round moves a rate: a run that read back nothing, or a
/// stall or two, says little.
constexpr double max_step = 4;

/// The mean of `x`'s stalls, in ms.
double mean_ms(const stall_time& x) {
  return 1e3 * x.share() / x.per_s;
}

/// One core's calibration: the stalls read, and the correction so far (the
/// rate's factor, and the time added to every duration).
struct core_calibration {
  stall_time read;
  double rate_factor = 1;
  double added_ms = 0;

  /// The stalls to place.
  stall_time placed() const {
    if (!read.modelled())
      return {};
    auto result = read;
    result.per_s = std::min(read.per_s * rate_factor, max_stalls_per_s);
    for (auto& d : result.durations)
      d = from_ms(to_ms(d) + added_ms);
    if (result.share() > max_stall_share)
      result.per_s *= max_stall_share / result.share();
    // Rounded as a file shows them (a thousandth; a microsecond).
    result.per_s = std::max(std::round(result.per_s * 1000) / 1000, 0.001);
    for (auto& d : result.durations)
      d = from_ms(std::max(std::round(to_ms(d) * 1000) / 1000, 0.001));
    if (!burst_conflict(result.bursts, result.per_s).empty())
      result.bursts = {};
    return result;
  }

  /// Moves the correction by what the real reading has over `back`, the
  /// virtual one of placed().
  void adjust(const stall_time& back) {
    if (!read.modelled())
      return;
    if (!back.modelled()) {
      // Nothing met: more of them, and longer.
      rate_factor *= max_step;
      added_ms += mean_ms(read);
      return;
    }
    rate_factor *= std::clamp(read.per_s / back.per_s, 1 / max_step,
                              max_step);
    // A stall shows only what was left of it when work met it: the time
    // before that is added to every stall alike. Never taken away: a
    // reading that is longer on average than what it read has lost the
    // short stalls to the mark's threshold, which the rate makes up for.
    added_ms = std::max(0.0, added_ms + mean_ms(read) - mean_ms(back));
  }
};

/// One core's wake stalls: those read, and the share's factor so far.
struct wake_calibration {
  wake_stalls read;
  double share_factor = 1;

  wake_stalls placed() const {
    if (!read.modelled())
      return {};
    auto result = read;
    // Rounded as a file shows it (a millionth).
    result.share = std::clamp(
      std::round(read.share * share_factor * 1e6) / 1e6, 1e-6, 1.0);
    return result;
  }

  void adjust(const wake_stalls& back) {
    if (!read.modelled())
      return;
    share_factor *= back.modelled() ? std::clamp(read.share / back.share,
                                                 1 / max_step, max_step)
                                    : max_step;
  }
};

} // namespace

run_stalls calibrate_stalls(const run_stalls& read,
                            const stall_reader& read_back, int rounds) {
  if (!read.replica.modelled() && !read.scheduler.modelled()
      && !read.replica_wake.modelled() && !read.scheduler_wake.modelled())
    return {};
  core_calibration replica{read.replica};
  core_calibration scheduler{read.scheduler};
  wake_calibration replica_wake{read.replica_wake};
  wake_calibration scheduler_wake{read.scheduler_wake};
  auto placed = [&] {
    return run_stalls{replica.placed(), scheduler.placed(),
                      replica_wake.placed(), scheduler_wake.placed()};
  };
  for (int round = 0; round < rounds; ++round) {
    auto back = read_back(placed());
    replica.adjust(back.replica);
    scheduler.adjust(back.scheduler);
    replica_wake.adjust(back.replica_wake);
    scheduler_wake.adjust(back.scheduler_wake);
  }
  return placed();
}

} // namespace troupe
