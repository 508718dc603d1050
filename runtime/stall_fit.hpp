#pragma once

// A profile's machine stalls (models/machine_stalls.hpp), measured in the
// serving run that measures the hand-off (runtime/handoff_probe.hpp), as the
// serving threads meet them. Each core's delays (on a replica's core: its
// hand-offs and its passes; on the scheduler's: the client's timer and hop,
// the hand-off to the sink) are taken as excess over their series' median;
// one of `stall_threshold_ms` or more, and at least the median (a pass of
// several milliseconds varies by more for its own reasons), is a stall's
// mark (`marks_stall`). A stall delays
// everything on its core until it ends, so the marks that fall within the
// time one mark's delay covers are one stall, as long as its largest delay.
// The rate is the stalls per second of each core's time, the durations
// their quantiles, and the gaps between them tell whether they come in
// bursts (runtime/burst_fit.hpp).

#include <vector>

#include <caf/timespan.hpp>

#include "models/machine_stalls.hpp"
#include "models/wake_stalls.hpp"

namespace troupe {

/// A delay beyond its series' median that marks a stall: five times the
/// hand-off's p99 on a quiet machine (about 0.1 ms), a tenth of the
/// 4 ms slices that busy hours bring.
constexpr double stall_threshold_ms = 0.5;

/// The shortest serving run whose stalls are fitted: in a few milliseconds
/// two stalls are "hundreds a second, half a core's time" (a profile
/// with a probe of 20 requests did that on a busy machine).
constexpr double min_stall_span_s = 1;

/// Whether a delay of `ms` in a series whose median is `median_ms` marks a
/// stall.
inline bool marks_stall(double ms, double median_ms) {
  auto excess = ms - median_ms;
  return excess >= stall_threshold_ms && excess >= median_ms;
}

/// One delay met by work on a core: when it began and how far beyond its
/// series' median it went.
struct core_delay {
  caf::timespan at{0};
  double excess_ms = 0;
};

/// The stalls of `cores` (each core's stall marks, in any order) over
/// `span` of each core's time: not modelled where there are none (or the
/// span is under min_stall_span_s). At most `points` durations
/// (quantile_points) and the tail beyond the longest that a run of `span`
/// cannot read (measured_stall_tail_index). Virtual time draws a duration
/// linearly between two points, so the last step, up to the longest
/// point, holds about a 1 / points share of the stalls: with 17 points,
/// where one stall of 15.8 ms stood above 250 of 0.5 to 3 ms (a real run
/// of the small CNN at a busy hour), virtual time drew one in 16 between
/// 2.8 and 15.8 ms and its p99 came to 6.3 ms where every stall's
/// duration gave 2.7 ms; 65 points gave 2.8 ms.
stall_time fit_stalls(const std::vector<std::vector<core_delay>>& cores,
                      caf::timespan span, size_t points = 65);

/// The wake stalls (models/wake_stalls.hpp) of one core from its
/// `wake_ups` after a wait of wake_stall_after or more, of which those in
/// `excess_ms` marked a stall (their excess over the hand-off's median):
/// their share, and their durations and tail as fit_stalls keeps them.
/// Not modelled where none marked one.
wake_stalls fit_wake_stalls(const std::vector<double>& excess_ms,
                            size_t wake_ups, size_t points = 65);

/// At most m = `points` of the n durations `ms`, sorted, rounded to the
/// microsecond: all of them where n <= m; else m of them evenly by rank
/// from the shortest to the one at rank (n + 1) m / (m + 1), as virtual
/// time draws m points (the quantiles up to m / (m + 1), a tail beyond:
/// models/machine_stalls.hpp, duration_at).
std::vector<caf::timespan> quantile_points(std::vector<double> ms,
                                           size_t points);

} // namespace troupe
