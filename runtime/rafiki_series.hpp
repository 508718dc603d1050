#pragma once

// A Rafiki run over time, as the seed's figures show it: per simulated
// second the arrival rate, and how the steps dispatched in that second
// served (throughput, accuracy, overdue ratio, latency, batch size, models
// per batch). Written as CSV and plotted with gnuplot.

#include <cstdint>
#include <string>
#include <vector>

#include "models/arrival.hpp"
#include "policies/rafiki/step_controller.hpp"
#include "runtime/gnuplot.hpp"

namespace troupe {

struct rafiki_second {
  double start_s = 0;
  uint64_t arrivals = 0;
  uint64_t steps = 0;
  uint64_t served = 0;
  uint64_t overdue = 0;
  /// Sums over the second's steps, for the means.
  double accuracy_served = 0;
  double latency_sum_s = 0;
  double latency_max_s = 0;
  uint64_t batch_size_sum = 0;
  uint64_t models_sum = 0;

  double overdue_ratio() const {
    return served > 0 ? double(overdue) / double(served) : 0.0;
  }
};

class rafiki_series {
public:
  /// Counts the arrivals per second.
  explicit rafiki_series(const arrival_times& arrivals);

  void add(const rafiki::step_record& s);

  const std::vector<rafiki_second>& seconds() const {
    return seconds_;
  }

  /// The highest overdue ratio of the requests served in any `window_s`
  /// seconds (whole seconds, sliding by one): how bad the worst stretch
  /// was, such as the backlog after a rate peak.
  double worst_overdue(size_t window_s = 10) const;

private:
  rafiki_second& at(double time_s);

  std::vector<rafiki_second> seconds_;
};

/// PATH: second,arrival_rate,throughput,steps,accuracy,overdue_ratio,
/// latency_mean_s,latency_max_s,batch_size_mean,models_mean.
void write_rafiki_seconds_csv(const std::string& path,
                              const rafiki_series& series);

/// Writes DIR/rafiki.gp (reads DIR/seconds.csv) and draws DIR/rafiki.png:
/// rate and throughput, overdue ratio, accuracy and latency over time.
plot_result plot_rafiki(const std::string& dir, const std::string& title,
                        double max_latency_s,
                        const std::string& gnuplot = "gnuplot");

} // namespace troupe
