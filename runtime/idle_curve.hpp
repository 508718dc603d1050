#pragma once

// A profile's idle curve (models/profile.hpp), measured where it happens: in
// the short real serving run that also measures the hand-off
// (runtime/handoff_probe.hpp). A replica below saturation waits between
// batches for anything from a hand-off (tens of microseconds) to
// milliseconds, and what the wait costs the next forward pass grows with
// it. Sleeping in a loop does not reproduce it: passes after a 400 us
// sleep paid 60% of the idle rows' extra time where passes in a serving run
// after such a wait paid all of it (the thread is woken by another thread,
// and its core may have run that thread meanwhile).

#include <vector>

#include "models/profile.hpp"

namespace troupe {

/// One served batch: whether it was sent ahead (it waited at the replica
/// and started as the batch before finished), the idle wait before it
/// otherwise (since the batch before finished, hand-off included), and its
/// forward pass, in ms.
struct served_pass {
  bool sent_ahead = false;
  double wait_ms = 0;
  double ms = 0;
};

/// The idle curve from one replica's passes at one batch size. The passes
/// sent ahead are the rows' reference, those after a wait of `idle_ms` or
/// more the idle rows'; the others, sorted by their wait, fall into up to
/// six groups of at least 30 passes each. A group's point is its median
/// wait (to the microsecond) and how much of the long waits' extra time over
/// no wait its passes took, clamped to [0, 1] and made non-decreasing (a
/// longer wait never costs less); the long waits' median is the last point,
/// share 1. Empty when either reference has fewer than 20 passes, or when a
/// long wait costs under 5% more than none (nothing to share out).
std::vector<idle_point> idle_curve_from(const std::vector<served_pass>& passes,
                                        double idle_ms);

} // namespace troupe
