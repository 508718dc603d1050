#pragma once

// Arrival processes: when each request of a workload reaches the pipeline.
// All generators are deterministic functions of their parameters and seed.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/timespan.hpp>

namespace troupe {

/// Arrival offsets from the start of the run, non-decreasing; entry k is the
/// arrival of request k.
using arrival_times = std::vector<caf::timespan>;

/// Seed 002's smallest gap: numpy gamma draws below it were clipped.
constexpr double min_gap_ms = 0.047;

/// The most requests one run sends: a run keeps every request's outcome
/// in memory (a few hundred bytes each). Generators stop past it.
constexpr uint64_t max_requests = 10'000'000;

/// Rates a workload may state: one request per nanosecond at most (the
/// clock's resolution), and at least one in the longest duration a
/// scenario may state.
constexpr double max_rate_qps = 1e9;

/// Reads a `.deltas` file (one inter-arrival gap in ms per line, seed 002's
/// format). Throws input_error naming the file and line of a garbled, negative
/// or non-finite value, of a gap that takes the arrivals beyond the longest
/// duration a scenario may state, and for a missing or empty file. Reads at
/// most `limit` gaps.
std::vector<double> read_deltas(const std::string& path,
                                uint64_t limit = max_requests);

/// Reads arrival times, one per line in seconds from the start of the run,
/// non-decreasing (`troupe rafiki replay --arrivals`). Throws input_error
/// naming the file and line of a garbled, negative, decreasing or too late
/// time (beyond the longest duration a scenario may state), and for a
/// missing or empty file. Reads at most `limit` times.
arrival_times read_arrival_seconds(const std::string& path,
                                   uint64_t limit = max_requests);

/// Request k arrives at the sum of the first k gaps (request 0 at time 0).
/// Sums in double and rounds each arrival once, so rounding never accumulates.
/// Throws std::range_error when an arrival would come later than the
/// longest duration a scenario may state.
arrival_times arrivals_from_gaps(const std::vector<double>& gaps_ms);

/// Gamma gaps as seed 002 drew them: shape 1/cv, scale cv*1000/rate ms,
/// clipped at >= min_gap_ms. (The true coefficient of variation is sqrt(cv).)
std::vector<double> gamma_gaps(double rate_qps, double cv, size_t count,
                               uint64_t seed);

/// Exponential gaps with mean 1000/rate ms (a Poisson process).
std::vector<double> poisson_gaps(double rate_qps, size_t count, uint64_t seed);

/// Rafiki's sine curve (seed 000): rate(t) = k*sin(2*pi*t/T) + b with
/// k = 5*sigma*r and b = (1+sigma)*r - k, sigma = 0.1, so the rate spans
/// [0.1r, 1.1r]. Per interval d: n = int(max(0, rate*(1 + N(0, 0.01)))) and
/// int(n*d + 0.5) arrivals uniform in the interval.
struct sine_spec {
  double rate_qps = 100;
  double period_s = 60;
  double duration_s = 60;
  double interval_s = 1;
};

/// Stops after `limit` arrivals.
arrival_times sine_arrivals(const sine_spec& spec, uint64_t seed,
                            uint64_t limit = max_requests);

/// One row of a rate trace: from time_s on, requests arrive at rate_qps.
struct rate_step {
  double time_s = 0;
  double rate_qps = 0;
};

/// Reads "time_s,rate_qps" rows (a header line is allowed; times strictly
/// increasing and within the longest duration a scenario may state, rates
/// from 0 to max_rate_qps). Throws input_error with file and line.
std::vector<rate_step> read_rate_trace(const std::string& path);

/// Piecewise-constant rate, Poisson within each row; the last row lasts until
/// end_s, and nothing arrives from end_s on. Stops after `limit` arrivals.
arrival_times trace_arrivals(const std::vector<rate_step>& steps, double end_s,
                             uint64_t seed, uint64_t limit = max_requests);

/// Seed 004's synthetic load, one rate per step of step_s:
///   rate_i = max(1, k1 * x[i] + k2 * x[i + 500] + k3 + k4), i in [0, 500),
///   x = sin(5t) + sin(10t) + 0.3 * N(0, 1) over t = linspace(0, 5 pi, 1000).
/// Two phases of one noisy wave overlap, so the load has sharp bursts.
struct wave_spec {
  double k1 = 40;
  double k2 = 20;
  double k3 = 100;
  double k4 = 0;
  double step_s = 0.1;
};

/// The wave's 500 rate steps (Poisson within each: trace_arrivals).
std::vector<rate_step> wave_rates(const wave_spec& spec, uint64_t seed);

/// How long the wave lasts: 500 steps.
inline double wave_duration_s(const wave_spec& spec) {
  return 500 * spec.step_s;
}

} // namespace troupe
