#pragma once

// A profile's idle curve (models/profile.hpp), measured where it happens: in
// the short real serving run that also measures the hand-off
// (runtime/handoff_probe.hpp). A replica below saturation waits between
// batches for anything from a hand-off (tens of microseconds) to
// milliseconds, and what the wait costs the next forward pass grows with
// it. A loop of forward passes does not reproduce it: in a serving run of
// the small CNN, batch-1 passes after waits of 5 to 50 us took a third of
// what the profile's idle rows (1 ms sleeps in a loop) add to its rows, and
// those after 200 us to 1 ms 1.6 times it (the thread is woken by another
// thread, and its core may have run that thread meanwhile). Sleeping in a
// loop for as long gave much less.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/profile.hpp"

namespace troupe {

/// The fewest passes a group of served passes is measured from: fewer, and
/// one stall of the machine sets its mean.
constexpr size_t min_group_passes = 30;

/// One served batch: whether it was sent ahead (it waited at the replica
/// and started as the batch before finished), the idle wait before it
/// otherwise (since the batch before finished, hand-off included), its
/// forward pass, in ms, its size and the size of the batch before it, its
/// start, and the hand-off that brought it.
struct served_pass {
  bool sent_ahead = false;
  double wait_ms = 0;
  double ms = 0;
  uint32_t size = 1;
  uint32_t previous_size = 1;
  /// When the pass started (ms since the run's start).
  double start_ms = 0;
  /// The hand-off that brought it: from its dispatch (sent ahead: from the
  /// batch before's finish) to its start, in ms; wait_ms less this is how
  /// long the replica waited before the frontend dispatched it.
  double handoff_ms = 0;
};

/// The idle curve from one replica's passes at batch size 1, against the
/// profile `p`'s batch-1 rows (right after another pass) and idle rows
/// (after an idle pause). The passes that waited (not sent ahead), sorted
/// by their wait, fall into up to eight groups of at least 30 passes each.
/// A group's point is its median wait (to the microsecond), how much of the
/// idle rows' extra mean time its passes took on top of the rows' (the
/// share), and how much of the idle rows' extra p99 its passes' p99 took on
/// top of the rows' p99 (the tail share). A group's p99 is its mean plus
/// the p99 of every waited pass's excess over its group's mean: a group's
/// own p99 would be its slowest one or two passes, set by one stall of the
/// machine, and a stall costs alike after any wait. Each is non-negative, made
/// non-decreasing (a longer wait never costs less), and beyond 1 where
/// serving's passes took longer than the idle rows' (a share at most 4:
/// more is a profile taken at another moment; a tail share at most 10,
/// since served passes share the cores with the runtime's other threads).
/// The tail share is the share where the idle rows' p99 is under 5% over
/// the rows' (no extra p99 to measure in). Empty when fewer than 30 passes
/// waited, or when the idle rows' mean is under 5% over the rows' (nothing
/// to share out).
std::vector<idle_point> idle_curve_from(const std::vector<served_pass>& passes,
                                        const profile& p);

} // namespace troupe
