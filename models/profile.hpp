#pragma once

// A model's measured behaviour on one kind of hardware (seed 002's profiles):
// rows of (batch size, p99 latency, throughput), sorted by batch size.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/timespan.hpp>

namespace troupe {

struct profile_row {
  uint32_t batch_size = 1;
  double p99_ms = 0;
  double throughput_qps = 0;
};

struct profile {
  std::string hardware;
  /// Cost of one replica on this hardware (per run; InferLine's unit).
  double cost = 0;
  /// Sorted by strictly increasing batch size, starting at batch size 1.
  std::vector<profile_row> rows;

  /// Largest profiled batch size.
  uint32_t max_batch() const;

  /// Throughput at batch size b, linearly interpolated between rows.
  /// Precondition: 1 <= b <= max_batch().
  double throughput_qps(uint32_t b) const;

  /// Time to serve a batch of b: s(b) = 1000 * b / thr(b) ms, rounded to the
  /// nanosecond. (Seed 002's notebook used 1000 / thr(b): a known bug.)
  caf::timespan service_time(uint32_t b) const;
};

} // namespace troupe
