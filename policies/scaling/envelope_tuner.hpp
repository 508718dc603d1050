#pragma once

// InferLine's tuner for one stage: it watches the traffic envelope (the most
// arrivals in any window of length w) over windows from the service time
// doubling up to 60 s. A stage with R requests/s of capacity absorbs A(w)
// arrivals in a window w when it drains them within the window plus its
// slack (stage SLO share minus the service time), so it needs
//   R >= max over w of A(w) / (w + slack),
// and ceil(R / thr(b)) workers at the plan's batch size b. The envelope
// spans the whole history (60 s), so the tuner scales up at the first burst
// and down only once the burst left the history: conservatively.

#include <cstdint>
#include <deque>

namespace troupe {

struct tuner_inputs {
  /// Arrivals per bucket, oldest first.
  const std::deque<uint32_t>* buckets = nullptr;
  double bucket_s = 0.01;
  /// Shortest window (the service time) and longest (60 s).
  double shortest_s = 0.01;
  double longest_s = 60;
  /// Stage SLO share minus the batch's service time, at least 0.
  double slack_s = 0;
  /// One worker's throughput at the plan's batch size.
  double per_worker_qps = 1;
};

/// The capacity the envelope asks for, in requests per second.
double envelope_capacity_qps(const tuner_inputs& in);

/// ceil(capacity / per-worker throughput), at least 1.
uint32_t tuner_workers(const tuner_inputs& in);

} // namespace troupe
