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

/// Real-time measurements on a shared host: waits until spinning threads,
/// one per core, lose under `max_lost` of a quarter second to interruptions
/// (about 2% on a usual day; 15% at a busy hour, in stalls of up to 16 ms),
/// checking at most `checks` times a second apart. Returns the share lost
/// at the last check.
double wait_for_quiet_machine(double max_lost = 0.05, int checks = 30);

/// The machine's CPU time so far (Linux's /proc/stat; unknown elsewhere).
struct cpu_times {
  uint64_t total = 0;
  /// Time the hypervisor ran other guests while this one wanted the CPU.
  uint64_t steal = 0;
  bool known = false;
};

cpu_times read_cpu_times();

/// The share of CPU time stolen between two readings (0 when unknown).
double steal_share(const cpu_times& before, const cpu_times& after);

int virtual_speed(const std::string& scenario_file, int repeat);
int sim_to_real(const std::string& scenario_file,
                std::optional<uint64_t> count);
int overhead(const std::string& bench_dir, uint64_t count);
int planner_quality(const std::string& scenario_file, uint64_t count);
int scaling(const std::vector<std::string>& scenario_files);
/// Rafiki's training frames per second (bench/rafiki_speed.cpp).
int rafiki_speed(const std::string& scenario_file, uint64_t frames);
/// Real-model serving: the limit, batching gain, overhead breakdown and
/// sim-to-real (bench/serving.cpp); trains the zoo models on first use.
struct serving_options {
  std::string repository;
  std::string model = "cnn-small";
  double slo_ms = 10;
  /// Models whose sim-to-real gap is measured, each at half its capacity.
  std::vector<std::string> sim_models{"cnn-small", "cnn-wide"};
  /// Real runs per sim-to-real row, each paired with virtual ones.
  int real_runs = 5;
  /// Stop a sim-to-real row once this many of its pairs were quiet (0: run
  /// all `real_runs`): with a high `real_runs`, a busy hour keeps trying
  /// and a quiet one finishes early.
  int quiet_pairs = 0;
  /// Only the sim-to-real part.
  bool sim_only = false;
  /// Only the limit (troupe against the plain loop).
  bool limit_only = false;
  /// Only the overhead breakdown, at half the profile's throughput at
  /// batch 32.
  bool overhead_only = false;
  /// Only the batching gain.
  bool batching_only = false;
};
int serving(const serving_options& options);
/// Cluster mode over loopback: remote hop, two-process throughput,
/// failover time (bench/cluster.cpp).
int cluster(size_t pings, uint64_t burst);
/// One real-time run of `overhead`, printed as "sent completed
/// throughput_qps p50_us p99_us" for the parent process to read.
int overhead_point(const std::string& scenario_file, double rate_qps,
                   uint64_t count);

} // namespace troupe::bench
