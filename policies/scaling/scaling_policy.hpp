#pragma once

// What a scaling policy decides from, and the interface the scaler calls
// once per stage and interval. The scaler measures (arrivals per bucket,
// the rate, the cascade from upstream) and sends orders; the policies only
// decide, and keep whatever state they need (a rate regression) themselves.
//  - seed: seed 004's rule (seed_rule.hpp) on a least-squares prediction of
//    the rate a cold start ahead;
//  - tuner: InferLine's envelope tuner (envelope_tuner.hpp) at the plan's
//    batch size;
//  - oracle: hindsight, from the true arrivals (a baseline, not a policy one
//    could deploy).

#include <cstdint>
#include <deque>
#include <memory>

#include <caf/timespan.hpp>

#include "messages/scaling.hpp"
#include "models/arrival.hpp"
#include "models/profile.hpp"
#include "policies/scaling/scaling_spec.hpp"

namespace troupe {

/// One stage at the end of a scaling interval.
struct scaling_snapshot {
  caf::timespan now{0};
  /// Requests per second that reached the stage over the last period, and
  /// that period in seconds (0 when it has not begun).
  double measured_qps = 0;
  double period_s = 0;
  /// The most the stage's inputs predict to send on (each request visits
  /// every stage once, so the fan-out is 1).
  double upstream_qps = 0;
  /// Arrivals per bucket over the last envelope_s, oldest first.
  const std::deque<uint32_t>* buckets = nullptr;
  double bucket_s = 0;
  const profile* service = nullptr;
  double stage_slo_ms = 0;
  /// The scenario's batch size for the stage.
  uint32_t planned_batch = 1;
  /// The whole workload: for hindsight only.
  const arrival_times* arrivals = nullptr;
};

struct scaling_decision {
  scale_order order;
  /// The rate the policy planned for (recorded; passed on downstream).
  double predicted_qps = 0;
};

class scaling_policy {
public:
  virtual ~scaling_policy() = default;

  /// Decides the stage's next interval.
  virtual scaling_decision decide(const scaling_snapshot& x) = 0;
};

/// A fresh policy for one stage; null for scaling_kind::none.
std::unique_ptr<scaling_policy> make_scaling_policy(const scaling_spec& spec);

/// Requests of `arrivals` that arrive in [from, to).
uint64_t arrivals_between(const arrival_times& arrivals, caf::timespan from,
                          caf::timespan to);

} // namespace troupe
