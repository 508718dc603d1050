#pragma once

// A scaled run over time: per interval what arrived, how it was served, how
// many workers ran and what they cost. Written as CSV and plotted with
// gnuplot (when installed) so that a person sees at a glance whether the
// workers followed the load.

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/gnuplot.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

/// One interval [start_s, start_s + interval) of a run.
struct interval_row {
  double start_s = 0;
  /// Requests that arrived in the interval, and how they ended.
  uint64_t arrivals = 0;
  uint64_t completed = 0;
  uint64_t dropped = 0;
  uint64_t failed = 0;
  /// Nearest-rank P99 latency of the interval's completed requests (0 when
  /// none completed).
  double p99_ms = 0;
  /// P99 of all the interval's arrivals, drops and failures counted as
  /// infinitely late (+infinity when more than 1% did not complete).
  double p99_all_ms = 0;
  /// Share of the interval's arrivals completed within the SLO (1 when
  /// nothing arrived).
  double slo_attainment = 1;
  /// From the scaler's samples at the interval's end (0 without a scaler):
  /// the first scaled stage's measured and predicted rate, the workers
  /// running in all stages, and the cost accrued during the interval.
  double measured_qps = 0;
  double predicted_qps = 0;
  uint32_t workers = 0;
  double cost = 0;
};

/// The run cut into intervals of `interval_s` by arrival time.
std::vector<interval_row> interval_series(const scenario& sc,
                                          const run_result& run,
                                          double interval_s);

/// DIR/intervals.csv: one row per interval.
void write_intervals_csv(const std::vector<interval_row>& rows,
                         const std::string& path);

/// DIR/scaling.csv: the scaler's samples, one row per stage and interval.
void write_scaling_csv(const scenario& sc, const scaling_history& history,
                       const std::string& path);

/// Writes DIR/scaling.gp (reads intervals.csv and scaling.csv) and runs
/// `gnuplot` (a program name or path) on it to draw DIR/scaling.png. The
/// script stays either way. The time axis runs from 0 to `end_s`.
plot_result plot_scaling(const scenario& sc, const std::string& dir,
                         double end_s, const std::string& gnuplot = "gnuplot");

} // namespace troupe
