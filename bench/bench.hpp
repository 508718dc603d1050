#pragma once

// Shared helpers of the benchmark harness.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"

namespace troupe::bench {

/// The median of a few measurements.
inline double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs.empty() ? 0 : xs[xs.size() / 2];
}

/// Latencies in microseconds of completed requests, measured from when the
/// client actually sent each one (excludes timer slack at the client).
std::vector<double> latencies_from_send_us(const run_outcomes& outcomes);

/// How often and for how long a thread that never blocks is kept off its
/// core (per core; lengths of the interruptions over 10 us).
struct machine_jitter {
  double interruptions_per_s = 0;
  /// Share of wall time lost to them.
  double time_lost = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

/// Spins `threads` threads for `seconds` and measures their interruptions.
machine_jitter measure_machine_jitter(double seconds, unsigned threads);

int virtual_speed(const std::string& scenario_file, int repeat);
int sim_to_real(const std::string& scenario_file,
                std::optional<uint64_t> count);
int overhead(const std::string& bench_dir, uint64_t count);
int planner_quality(const std::string& scenario_file, uint64_t count);
int scaling(const std::vector<std::string>& scenario_files);
/// Real-model serving: the limit, batching gain, overhead breakdown and
/// sim-to-real (bench/serving.cpp); trains the zoo model on first use.
int serving(const std::string& repository, const std::string& model,
            double slo_ms);
/// One real-time run of `overhead`, printed as "sent completed
/// throughput_qps p50_us p99_us" for the parent process to read.
int overhead_point(const std::string& scenario_file, double rate_qps,
                   uint64_t count);

} // namespace troupe::bench
