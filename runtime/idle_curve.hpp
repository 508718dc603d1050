#pragma once

// A profile's idle curve (models/profile.hpp), measured: how much of the idle
// rows' extra time a pass pays after a shorter idle wait. A replica below
// saturation waits between batches for anything from a hand-off (tens of
// microseconds) to milliseconds, and what the wait costs the next forward
// pass grows with it: on a 2-core machine, a pass after about 20 us cost
// what one right after another does, after about 300 us what one after
// 1 ms does. Charging the idle rows after any wait made virtual time's
// batches slower than real ones.

#include <chrono>
#include <functional>
#include <vector>

#include "models/profile.hpp"

namespace troupe {

struct profiler_options;

/// One pass: the idle wait before it (since the pass before ended) and its
/// own time, in ms.
struct timed_pass {
  double wait_ms = 0;
  double ms = 0;
};

/// Runs a pass after sleeping `pause` (none for 0) and times it.
using pass_after_pause = std::function<timed_pass(std::chrono::microseconds)>;

/// The idle curve: rounds of every pause (0, options.idle_curve_pauses and
/// options.idle_pause) in a new order each, for as many runs and seconds as
/// the profiler's options give one batch size. A pause's share is how much
/// of the idle pause's extra time over no pause its passes took, clamped to
/// [0, 1] and made non-decreasing (a longer wait never costs less), at the
/// median wait its passes actually saw, to the microsecond; the idle pause
/// itself is the last point, share 1. Empty when there are no pauses to
/// measure, or when the idle pause costs under 5% more than none (nothing
/// to share out). The calling thread's timer slack is 1 us meanwhile, so
/// that a 10 us sleep is not 60.
std::vector<idle_point> measure_idle_curve(const pass_after_pause& run_after,
                                           const profiler_options& options);

} // namespace troupe
