#pragma once

// Seed 004's sizing rule for one stage, from its (predicted) input rate:
//   b* = the largest b with d(b) + (b - 1) / rate + overhead <= stage SLO
//        (the batch's service time plus the time to collect it fits the
//        stage's share of the SLO), 1 when none does;
//   workers = ceil(headroom * rate / (b* / d(b*))) + margin.
// Seed 004 used a margin in whole workers (headroom 1); a headroom scales
// the spare capacity with the load instead.

#include <cstdint>

#include "models/profile.hpp"

namespace troupe {

struct stage_sizing {
  uint32_t batch = 1;
  uint32_t workers = 1;
};

struct seed_rule_options {
  /// Per-batch overhead besides the service time (network, framework).
  double overhead_ms = 5;
  /// Workers added on top of the computed need.
  uint32_t margin = 1;
  /// Capacity on top of the rate, as a factor (>= 1).
  double headroom = 1;
};

/// b* for `rate_qps` (<= 0: 1).
uint32_t largest_timely_batch(const profile& service, double rate_qps,
                              double stage_slo_ms, double overhead_ms);

/// Workers that serve `rate_qps` in batches of `batch`, without margin:
/// ceil(rate / thr(batch)).
uint32_t workers_for(const profile& service, double rate_qps, uint32_t batch);

/// The whole rule; always at least one worker.
stage_sizing seed_rule(const profile& service, double rate_qps,
                       double stage_slo_ms, const seed_rule_options& options);

} // namespace troupe
