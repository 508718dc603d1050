#pragma once

// How much and how often a core slept lately, and so how many of the
// machine's stalls by time (models/machine_stalls.hpp) it meets. On a
// shared host a virtual machine's core that halts leaves room that the
// host fills with another tenant's thread, which then takes the core from
// it now and then while it runs too; a core that hardly halts keeps its
// physical core. Real runs of two models (docs/sim-to-real-log.md "How
// often, not how long"): a replica's passes met their stalls in full
// where its core had slept 9 or more times in the 32 ms before, or a
// fifth of that time or more (a lightly loaded replica that sleeps long
// between rare batches), and a tenth of them or none where it had slept
// fewer than 9 times and under a tenth of the time (a replica near
// saturation). By the share of time asleep alone, the two models' knees
// lay apart (5% for the small CNN's 0.2 ms passes, 20% for the wide
// CNN's 1 ms ones); by the count of sleeps they lie together: each halt
// is a chance for the host to put a thread there. So a core meets the
// larger of the two shares below; the one by time ramps from 10% to 30%,
// around the wide CNN's knee, which half a second of compute placed.

#include <chrono>
#include <cstddef>
#include <deque>

#include <caf/timespan.hpp>

namespace troupe {

/// The time over which a core's sleep counts: the half-life of Linux's
/// load tracking (PELT), by which a host places its threads on cores.
constexpr caf::timespan recent_sleep_window = std::chrono::milliseconds{32};

/// Sleeps in `recent_sleep_window` from which a core begins to meet its
/// stalls by time, and from which it meets them in full.
constexpr std::size_t stalls_met_from_sleeps = 7;
constexpr std::size_t full_stalls_sleeps = 10;

/// The same by the share of `recent_sleep_window` asleep.
constexpr double stalls_met_from_sleep_share = 0.1;
constexpr double full_stalls_sleep_share = 0.3;

/// A core's sleep over the window before a moment.
struct sleep_reading {
  /// The share of the window asleep (0 to 1).
  double share = 0;
  /// The sleeps that overlap the window.
  std::size_t sleeps = 0;
};

/// The share of a core's stalls by time that it meets, having slept as
/// `recent` says: the larger of the shares by count and by time, each 0
/// below its first constant, 1 from its second, in proportion between.
double stalls_met_share(const sleep_reading& recent);

/// One core's sleeps over the trailing `recent_sleep_window`.
class recent_sleep {
public:
  /// The core slept from `from` to `to` (no earlier than a sleep told
  /// before; empty spans are ignored).
  void slept(caf::timespan from, caf::timespan to);

  /// The core's sleep over the window before `now`; forgets the sleeps
  /// before it (`now` must not go back).
  sleep_reading read(caf::timespan now);

private:
  struct span {
    caf::timespan from;
    caf::timespan to;
  };
  std::deque<span> sleeps_;
};

} // namespace troupe
