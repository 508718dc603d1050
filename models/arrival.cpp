#include "models/arrival.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "models/text_input.hpp"

namespace troupe {

namespace {

caf::timespan ms_to_timespan(double ms) {
  return caf::timespan{static_cast<int64_t>(std::llround(ms * 1e6))};
}

const double max_duration_ms = to_ms(max_scenario_duration);

} // namespace

arrival_times read_arrival_seconds(const std::string& path, uint64_t limit) {
  auto in = open_or_throw(path, "arrival file");
  arrival_times result;
  std::string line;
  size_t line_no = 0;
  double last_s = 0;
  while (result.size() < limit && std::getline(in, line)) {
    ++line_no;
    auto text = trim(line);
    if (text.empty())
      continue;
    double seconds = 0;
    if (!parse_double(text, seconds))
      throw input_error(path, line_no, "arrival",
                        "expected a time in seconds, got " + quoted(text));
    if (seconds < 0)
      throw input_error(path, line_no, "arrival",
                        "negative time " + text + " s");
    if (seconds < last_s)
      throw input_error(path, line_no, "arrival",
                        fmt::format("{} s comes before the line above ({} "
                                    "s): times must not decrease",
                                    text, last_s));
    if (seconds * 1e3 > max_duration_ms)
      throw input_error(path, line_no, "arrival",
                        fmt::format("{:g} s is beyond the longest run the "
                                    "clock holds (10 years)",
                                    seconds));
    last_s = seconds;
    result.push_back(ms_to_timespan(seconds * 1e3));
  }
  if (result.empty())
    throw input_error(path, 0, "", "arrival file holds no times");
  return result;
}

std::vector<double> read_deltas(const std::string& path, uint64_t limit) {
  auto in = open_or_throw(path, "gap file");
  std::vector<double> gaps;
  std::string line;
  size_t line_no = 0;
  // Arrivals are the sums of the gaps before them.
  double arrival_ms = 0;
  while (gaps.size() < limit && std::getline(in, line)) {
    ++line_no;
    auto text = trim(line);
    if (text.empty())
      continue;
    double gap = 0;
    if (!parse_double(text, gap))
      throw input_error(path, line_no, "gap",
                        "expected a number of milliseconds, got "
                          + quoted(text));
    if (gap < 0)
      throw input_error(path, line_no, "gap",
                        "negative gap " + text + " ms");
    if (arrival_ms > max_duration_ms)
      throw input_error(path, line_no, "gap",
                        fmt::format("the arrivals reach {:g} s, beyond the "
                                    "longest run the clock holds (10 years)",
                                    arrival_ms / 1e3));
    arrival_ms += gap;
    gaps.push_back(gap);
  }
  if (gaps.empty())
    throw input_error(path, 0, "", "gap file holds no gaps");
  return gaps;
}

arrival_times arrivals_from_gaps(const std::vector<double>& gaps_ms) {
  arrival_times result;
  result.reserve(gaps_ms.size());
  double sum = 0;
  for (double gap : gaps_ms) {
    if (!(sum <= max_duration_ms))
      throw std::range_error(fmt::format("an arrival at {:g} s, beyond the "
                                         "longest run the clock holds (10 "
                                         "years)",
                                         sum / 1e3));
    result.push_back(ms_to_timespan(sum));
    sum += gap;
  }
  return result;
}

std::vector<double> gamma_gaps(double rate_qps, double cv, size_t count,
                               uint64_t seed) {
  std::mt19937_64 rng{seed};
  std::gamma_distribution<double> gamma{1.0 / cv, cv * 1000.0 / rate_qps};
  std::vector<double> gaps(count);
  for (auto& gap : gaps)
    gap = std::max(min_gap_ms, gamma(rng));
  return gaps;
}

std::vector<double> poisson_gaps(double rate_qps, size_t count, uint64_t seed) {
  std::mt19937_64 rng{seed};
  std::exponential_distribution<double> exponential{rate_qps / 1000.0};
  std::vector<double> gaps(count);
  for (auto& gap : gaps)
    gap = exponential(rng);
  return gaps;
}

arrival_times sine_arrivals(const sine_spec& spec, uint64_t seed,
                            uint64_t limit) {
  constexpr double sigma = 0.1;
  const double pi = std::acos(-1.0);
  double k = 5 * sigma * spec.rate_qps;
  double b = (1 + sigma) * spec.rate_qps - k;
  std::mt19937_64 rng{seed};
  std::normal_distribution<double> noise{0.0, 0.01};
  arrival_times result;
  std::vector<double> stamps;
  auto intervals = static_cast<size_t>(std::ceil(spec.duration_s
                                                 / spec.interval_s));
  for (size_t i = 0; i < intervals && result.size() < limit; ++i) {
    double start = double(i) * spec.interval_s;
    double rate = k * std::sin(2 * pi * start / spec.period_s) + b;
    auto n = static_cast<int64_t>(std::max(0.0, rate * (1 + noise(rng))));
    auto in_interval = static_cast<int64_t>(double(n) * spec.interval_s + 0.5);
    std::uniform_real_distribution<double> uniform{start,
                                                   start + spec.interval_s};
    stamps.clear();
    for (int64_t j = 0; j < in_interval; ++j)
      stamps.push_back(uniform(rng));
    std::sort(stamps.begin(), stamps.end());
    for (double s : stamps)
      if (result.size() < limit)
        result.push_back(ms_to_timespan(s * 1000.0));
  }
  return result;
}

std::vector<rate_step> read_rate_trace(const std::string& path) {
  auto in = open_or_throw(path, "rate trace");
  std::vector<rate_step> steps;
  std::string line;
  size_t line_no = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    auto text = trim(line);
    if (text.empty() || text[0] == '#')
      continue;
    auto comma = text.find(',');
    if (comma == std::string::npos)
      throw input_error(path, line_no, "",
                        "expected 'time_s,rate_qps', got " + quoted(text));
    rate_step step;
    auto time_text = trim(text.substr(0, comma));
    auto rate_text = trim(text.substr(comma + 1));
    if (!parse_double(time_text, step.time_s)) {
      if (steps.empty() && !header_seen) {
        header_seen = true; // a header row before the first row
        continue;
      }
      throw input_error(path, line_no, "time_s",
                        "expected a number, got " + quoted(time_text));
    }
    if (!parse_double(rate_text, step.rate_qps))
      throw input_error(path, line_no, "rate_qps",
                        "expected a number, got " + quoted(rate_text));
    if (step.rate_qps < 0)
      throw input_error(path, line_no, "rate_qps", "negative rate");
    if (step.rate_qps > max_rate_qps)
      throw input_error(path, line_no, "rate_qps",
                        "above 1e9 requests/s (one per nanosecond, the "
                        "clock's resolution)");
    if (step.time_s * 1e3 > max_duration_ms)
      throw input_error(path, line_no, "time_s",
                        "beyond the longest run the clock holds (10 years)");
    if (!steps.empty() && step.time_s <= steps.back().time_s)
      throw input_error(path, line_no, "time_s",
                        "times must increase strictly");
    if (steps.empty() && step.time_s < 0)
      throw input_error(path, line_no, "time_s", "negative time");
    steps.push_back(step);
  }
  if (steps.empty())
    throw input_error(path, 0, "", "rate trace holds no rows");
  return steps;
}

arrival_times trace_arrivals(const std::vector<rate_step>& steps, double end_s,
                             uint64_t seed, uint64_t limit) {
  std::mt19937_64 rng{seed};
  arrival_times result;
  for (size_t i = 0; i < steps.size() && result.size() < limit; ++i) {
    double stop = i + 1 < steps.size() ? std::min(steps[i + 1].time_s, end_s)
                                       : end_s;
    if (steps[i].rate_qps <= 0 || steps[i].time_s >= stop)
      continue;
    // Memoryless: restarting the exponential clock at a row edge is exact.
    std::exponential_distribution<double> gap{steps[i].rate_qps};
    for (double t = steps[i].time_s + gap(rng);
         t < stop && result.size() < limit; t += gap(rng))
      result.push_back(ms_to_timespan(t * 1000.0));
  }
  return result;
}

std::vector<rate_step> wave_rates(const wave_spec& spec, uint64_t seed) {
  constexpr size_t points = 1000;
  const double pi = std::acos(-1.0);
  std::mt19937_64 rng{seed};
  std::normal_distribution<double> noise{0.0, 1.0};
  std::vector<double> x(points);
  for (size_t j = 0; j < points; ++j) {
    double t = 5 * pi * double(j) / double(points - 1);
    x[j] = std::sin(5 * t) + std::sin(10 * t) + 0.3 * noise(rng);
  }
  std::vector<rate_step> steps(points / 2);
  for (size_t i = 0; i < steps.size(); ++i) {
    steps[i].time_s = double(i) * spec.step_s;
    steps[i].rate_qps = std::max(1.0, spec.k1 * x[i] + spec.k2 * x[i + 500]
                                        + spec.k3 + spec.k4);
  }
  return steps;
}

} // namespace troupe
