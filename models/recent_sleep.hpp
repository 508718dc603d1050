#pragma once

// How much of its recent time a core slept, and so how many of the
// machine's stalls by time (models/machine_stalls.hpp) it meets. On a
// shared host a virtual machine's core that halts often leaves room that
// the host fills with another tenant's threads, which then take the core
// from it now and then while it runs too; a core that hardly halts keeps
// its physical core. In nine real runs of the small CNN at 1,000, 2,800
// and 9,700 requests/s (docs/sim-to-real-log.md "A busy core keeps its
// core"), a replica's short passes met a stall 3.3 to 5.8 times a second
// of compute where its core had slept past its poll for 10% or more of the
// 32 ms before, and 0.2 to 0.8 times where under 5%: a rate in time,
// measured by a profile whose replica sleeps a third of the time, placed
// on a replica that never sleeps, gives it five to ten times the stalls it
// meets. So a replica's core meets its stalls by time in full when it
// slept `full_stalls_sleep_share` or more of the last `recent_sleep_window`,
// and in proportion below.

#include <chrono>
#include <deque>

#include <caf/timespan.hpp>

namespace troupe {

/// The time over which a core's sleep counts: the half-life of Linux's
/// load tracking (PELT), by which a host places its threads on cores.
constexpr caf::timespan recent_sleep_window = std::chrono::milliseconds{32};

/// The share of `recent_sleep_window` asleep from which a core meets its
/// stalls by time in full (the real runs' rate was flat above 10%).
constexpr double full_stalls_sleep_share = 0.1;

/// The share of a core's stalls by time that it meets, having slept
/// `slept_share` of its recent time: 1 from full_stalls_sleep_share on,
/// in proportion below.
double stalls_met_share(double slept_share);

/// One core's sleeps over the trailing `recent_sleep_window`.
class recent_sleep {
public:
  /// The core slept from `from` to `to` (no earlier than a sleep told
  /// before; empty spans are ignored).
  void slept(caf::timespan from, caf::timespan to);

  /// The share of the window before `now` that the core slept (0 to 1);
  /// forgets the sleeps before it (`now` must not go back).
  double share(caf::timespan now);

private:
  struct span {
    caf::timespan from;
    caf::timespan to;
  };
  std::deque<span> sleeps_;
};

} // namespace troupe
