#pragma once

// A Rafiki run over time, as the seed's figures show it. Per simulated
// second: how many requests arrived and how those requests fared (accuracy
// of the ensemble that served them, overdue ratio, latency), and what the
// steps dispatched in that second did (throughput, batch size, models per
// batch). Rafiki's queue is first in, first out, so the n requests a step
// serves are the n oldest not yet served: the series follows each request
// from the step records alone, or from what the sink measured. Written as
// CSV and plotted with gnuplot.

#include <cstdint>
#include <string>
#include <vector>

#include "models/arrival.hpp"
#include "messages/control.hpp"
#include "policies/rafiki/step_controller.hpp"
#include "runtime/gnuplot.hpp"

namespace troupe {

struct rafiki_second {
  double start_s = 0;
  /// The requests that arrived in this second, and those of them served.
  uint64_t arrivals = 0;
  uint64_t served = 0;
  uint64_t overdue = 0;
  double accuracy_sum = 0;
  double latency_sum_s = 0;
  double latency_max_s = 0;
  /// The steps dispatched in this second.
  uint64_t steps = 0;
  uint64_t throughput = 0;
  uint64_t batch_size_sum = 0;
  uint64_t models_sum = 0;

  double overdue_ratio() const {
    return served > 0 ? double(overdue) / double(served) : 0.0;
  }
};

class rafiki_series {
public:
  rafiki_series(const arrival_times& arrivals, double max_latency_s);

  void add(const rafiki::step_record& s);

  /// Replaces what the steps predicted for each request (served, overdue,
  /// latency) with what the sink measured: in real time the two differ. A
  /// request that did not complete counts as overdue.
  void measure(const run_outcomes& outcomes);

  /// The overdue ratio over the whole run.
  double overdue_ratio() const;

  const std::vector<rafiki_second>& seconds() const {
    return seconds_;
  }

  /// The overdue ratio of the requests that arrived during the rate's
  /// peaks: the `share` of seconds with the highest arrival rate averaged
  /// over `smooth_s` seconds (the seed's curve exceeds the models'
  /// capacity about 20% of the time).
  double overdue_at_peaks(double share = 0.2, size_t smooth_s = 10) const;

  /// The highest overdue ratio of the requests that arrived in any
  /// `window_s` consecutive seconds.
  double worst_overdue(size_t window_s = 10) const;

private:
  rafiki_second& at(double time_s);

  std::vector<rafiki_second> seconds_;
  arrival_times arrivals_;
  double max_latency_s_;
  /// The oldest request not served yet.
  size_t next_ = 0;
};

/// PATH: second,arrival_rate,accuracy,overdue_ratio,latency_mean_s,
/// latency_max_s (of the requests that arrived in that second),
/// throughput,steps,batch_size_mean,models_mean (of the steps dispatched
/// in it).
void write_rafiki_seconds_csv(const std::string& path,
                              const rafiki_series& series);

/// Writes DIR/rafiki.gp (reads DIR/seconds.csv) and draws DIR/rafiki.png:
/// rate and throughput, overdue ratio, accuracy and latency over time.
plot_result plot_rafiki(const std::string& dir, const std::string& title,
                        double max_latency_s,
                        const std::string& gnuplot = "gnuplot");

} // namespace troupe
