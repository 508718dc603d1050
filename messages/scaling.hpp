#pragma once

// Messages between the scaler and the frontends, and the scaler's record of
// what it saw and decided (one sample per stage and interval).

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "messages/request.hpp"

namespace troupe {

/// Scaler -> frontend: run `workers` workers (the pool boots or retires
/// workers to get there) and form batches of up to `max_batch`.
struct scale_order {
  uint32_t workers = 0;
  uint32_t max_batch = 1;
};

inline bool operator==(const scale_order& x, const scale_order& y) {
  return x.workers == y.workers && x.max_batch == y.max_batch;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scale_order& x) {
  return f(caf::meta::type_name("scale_order"), x.workers, x.max_batch);
}

/// Frontend -> scaler, the answer to load_atom: what the stage saw since its
/// previous answer.
struct stage_load {
  stage_id stage = 0;
  /// Start of the period this answer covers.
  caf::timespan since{0};
  /// Width of each entry of `arrivals`.
  caf::timespan bucket{0};
  /// Requests that reached the stage (after its join), per bucket since
  /// `since`; trailing empty buckets may be left out.
  std::vector<uint32_t> arrivals;
  uint64_t queue_length = 0;
  /// Workers able to serve now (idle or busy), and workers still booting.
  uint32_t active = 0;
  uint32_t booting = 0;
  /// Cost the stage's workers accrued since the start of the run.
  double cost = 0;
  /// Requests the stage dropped since the start of the run.
  uint64_t drops = 0;
};

inline bool operator==(const stage_load& x, const stage_load& y) {
  return x.stage == y.stage && x.since == y.since && x.bucket == y.bucket
         && x.arrivals == y.arrivals && x.queue_length == y.queue_length
         && x.active == y.active && x.booting == y.booting
         && x.cost == y.cost && x.drops == y.drops;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_load& x) {
  return f(caf::meta::type_name("stage_load"), x.stage, x.since, x.bucket,
           x.arrivals, x.queue_length, x.active, x.booting, x.cost, x.drops);
}

/// One stage in one scaling interval: what the scaler measured, predicted
/// and ordered.
struct scaling_sample {
  /// End of the interval.
  caf::timespan when{0};
  stage_id stage = 0;
  double measured_qps = 0;
  double predicted_qps = 0;
  /// Workers able to serve and still booting when measured.
  uint32_t active = 0;
  uint32_t booting = 0;
  /// What the scaler ordered for the next interval.
  uint32_t target = 0;
  uint32_t max_batch = 0;
  uint64_t queue_length = 0;
  double cost = 0;
  uint64_t drops = 0;
};

inline bool operator==(const scaling_sample& x, const scaling_sample& y) {
  return x.when == y.when && x.stage == y.stage
         && x.measured_qps == y.measured_qps
         && x.predicted_qps == y.predicted_qps && x.active == y.active
         && x.booting == y.booting && x.target == y.target
         && x.max_batch == y.max_batch && x.queue_length == y.queue_length
         && x.cost == y.cost && x.drops == y.drops;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scaling_sample& x) {
  return f(caf::meta::type_name("scaling_sample"), x.when, x.stage,
           x.measured_qps, x.predicted_qps, x.active, x.booting, x.target,
           x.max_batch, x.queue_length, x.cost, x.drops);
}

/// Scaler -> runtime at the end of a run: every sample, in time order.
struct scaling_history {
  std::vector<scaling_sample> samples;
};

inline bool operator==(const scaling_history& x, const scaling_history& y) {
  return x.samples == y.samples;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scaling_history& x) {
  return f(caf::meta::type_name("scaling_history"), x.samples);
}

} // namespace troupe
