#pragma once

// What a change of batch size costs a served pass, measured where it
// happens: in a short real serving run with greedy batching
// (runtime/handoff_probe.hpp). A profile's rows are passes right after a
// pass of the same size. Served near saturation, greedy batching changes the
// size from one pass to the next four times in five, and on a 2-core machine
// the small CNN's passes after a pass of another size took 15% to 16% longer
// at batch 1, 5% to 7% at batch 2, 1% to 5% from batch 3 on, than those
// after a pass of the same size and a similar wait. A loop cannot stand in
// for it: passes of a loop right after a pass of another profiled size
// (often a much larger one) took 20% to 33% longer.

#include <vector>

#include "models/profile.hpp"
#include "runtime/idle_curve.hpp"

namespace troupe {

/// The profile's switch rows (models/profile.hpp) from one replica's
/// passes with batching, against `p`'s rows, idle rows and idle curve.
/// Each pass that waited (not sent ahead) is taken over what `p` charges
/// it for its size and wait; at each size with at least 30 passes after a
/// pass of the same size and 30 after one of another size, the switch
/// factor is the second group's mean over the first's (at least 1, at most
/// 2). At each of p's row sizes, the factor is the measured one, linearly
/// between measured sizes, the smallest measured size's below it and the
/// largest's beyond it; a switch row is its row with the time and the p99
/// that factor times longer. Empty where no size has both groups.
std::vector<profile_row>
switch_rows_from(const std::vector<served_pass>& passes, const profile& p);

} // namespace troupe
