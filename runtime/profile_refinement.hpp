#pragma once

// Where a profile needs more batch sizes than it was given. A profile's rows
// are read between batch sizes on a straight line of throughput
// (models/profile.hpp), and a model's throughput is not always near one: a
// CPU library picks its kernels by the tensor's shape. Measured on a 2-core
// machine, the zoo's wide CNN ran batches of 3 at 7% to 14% under the line
// from 2 to 4, and batches of 21 to 32 a quarter slower per image than
// batches of 20. Powers of two alone showed neither. So the profiler
// measures the size halfway between two measured ones, and where its
// throughput departs from their line by more than a tolerance, keeps it and
// looks halfway on both sides of it in turn, until neighbours are one apart.
//
// A machine's speed drifts between such rounds (10 to 25% within minutes on
// a shared host), so each round measures the halfway sizes together with
// the two sizes around them, and judges and keeps a halfway size by its
// departure from the line its neighbours gave in the same round: a drift
// slows all three alike and moves no row.

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "models/profile.hpp"

namespace troupe {

/// One batch size's rows as the profiler measures them: right after another
/// pass, and after an idle pause; and the median of the first.
struct size_rows {
  profile_row row;
  profile_row idle_row;
  double median_ms = 0;
};

/// The throughput at batch size `b` on the straight line between two rows
/// (as a profile reads it).
double on_line_qps(const profile_row& lo, const profile_row& hi, uint32_t b);

/// A halfway size measured in a later round, in the first rounds' terms.
struct placed_size {
  /// Its rows, scaled by how much slower or faster the round's line from
  /// its neighbours was than the kept line from them (throughput up, p99
  /// and median down, or the reverse), the idle rows by their own lines;
  /// rounded as the profiler rounds (0.1 us, 0.1 q/s).
  size_rows rows;
  /// Its throughput over the round's line, less 1 (-0.14: 14% under it),
  /// by the median pass (b / median_ms): a mean moves with a stall of the
  /// machine, and one 16 ms stall among 200 passes of 0.3 ms puts a mean
  /// 25% off the line.
  double departure = 0;
};

/// Places `mid`, measured in one round with its neighbours `lo_now` and
/// `hi_now`, between the neighbours' kept rows `lo` and `hi`.
/// Precondition: lo < mid < hi in batch size, the same sizes in both.
placed_size place_between(const size_rows& lo, const size_rows& hi,
                          const size_rows& lo_now, const size_rows& mid_now,
                          const size_rows& hi_now);

/// Measures the given batch sizes in one round of the profiler.
using measure_round
  = std::function<std::map<uint32_t, size_rows>(const std::vector<uint32_t>&)>;

/// Adds to `kept` (by batch size, measured in the first round) the halfway
/// sizes that depart from their neighbours' line by more than `within`
/// (0.05: 5%), round after round, until every departing size's neighbours
/// are one apart or `kept` has `max_sizes` sizes. Calls `on_added` with
/// each size it keeps. Returns the rounds it measured.
int refine_batch_sizes(std::map<uint32_t, size_rows>& kept, double within,
                       size_t max_sizes, const measure_round& measure,
                       const std::function<void(const placed_size&)>&
                         on_added);

} // namespace troupe
