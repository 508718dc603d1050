#pragma once

// Measures the runtime's hand-off on this machine where it happens: in a
// short real-time run that serves a repository model through troupe (one
// replica, batch size 1, at half its batch-1 throughput). From each
// request's trace: the time from leaving the queue to the forward pass's
// start (the frontend's message waking the replica's thread), and from the
// forward pass's end to the sink (the results waking a scheduler thread).
// Both are one hand-off each: their median and 99th percentile describe
// it. Virtual time charges it where real time pays it
// (replica_options::handoff), so that a profile measured here predicts
// real latency, its tail included. (A ping-pong between two actors measures a
// few microseconds on a quiet machine where a serving run spends 25:
// serving's threads are busy in ways a ping-pong does not reproduce.)

#include <cstdint>
#include <string>

#include <caf/timespan.hpp>

#include "models/model_repository.hpp"
#include "models/profile.hpp"

namespace troupe {

struct handoff_options {
  /// Requests served; their arrivals are Poisson at `rate_qps`.
  uint32_t requests = 1000;
  double rate_qps = 1000;
  /// Fashion-MNIST folder: the requests carry its test images.
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
};

/// The hand-off's median and p99; throws what a run throws (a model that
/// does not load).
handoff_time measure_handoff(const repository_model& model,
                             const handoff_options& options);

} // namespace troupe
