#pragma once

// When a frontend gives up on a request instead of serving it late: a policy
// object deciding from a snapshot. Drops are always reported to the sink
// with their reason, never hidden.

#include <memory>
#include <optional>
#include <string>

#include <caf/timespan.hpp>

namespace troupe {

enum class drop_kind {
  /// Serve everything that fits in the queue, however late.
  none,
  /// At dequeue, drop a request that would finish after its deadline even if
  /// served right now in the batch being formed (it cannot make it here, so
  /// it cannot make it end to end). Reason: deadline_expired.
  deadline,
  /// Seed 004: at admission, drop a request that cannot finish by its
  /// deadline given the queue ahead of it and the stage's workers (see
  /// admission_estimate). Reason: deadline_unreachable. At dequeue it
  /// behaves like `deadline`.
  estimate,
};

/// Parses "none", "deadline" or "estimate".
inline std::optional<drop_kind> parse_drop_kind(const std::string& text) {
  if (text == "none")
    return drop_kind::none;
  if (text == "deadline")
    return drop_kind::deadline;
  if (text == "estimate")
    return drop_kind::estimate;
  return std::nullopt;
}

inline const char* to_string(drop_kind x) {
  switch (x) {
    case drop_kind::deadline:
      return "deadline";
    case drop_kind::estimate:
      return "estimate";
    default:
      return "none";
  }
}

/// Snapshot for one decision at dequeue: the time now, the request's
/// deadline and how long the batch it would join takes at this stage.
struct drop_snapshot {
  caf::timespan now{0};
  caf::timespan deadline{0};
  caf::timespan service_time{0};
};

/// What a frontend knows when a request arrives: `ahead` requests wait
/// before it, `workers` serve batches of up to `batch` taking `service_time`
/// each.
struct admission_snapshot {
  caf::timespan now{0};
  caf::timespan deadline{0};
  size_t ahead = 0;
  size_t workers = 0;
  uint32_t batch = 1;
  caf::timespan service_time{0};
};

/// The earliest the request can leave this stage: the batches ahead of it
/// (ceil((ahead + 1) / batch)) are spread over the workers, each taking the
/// service time; its own batch is the last of those rounds. With no worker
/// able to serve, nothing is known (the boot may finish in time): max().
inline caf::timespan admission_estimate(const admission_snapshot& x) {
  if (x.workers == 0 || x.batch == 0)
    return caf::timespan::max();
  auto batches = (x.ahead + x.batch) / x.batch;
  auto rounds = (batches + x.workers - 1) / x.workers;
  return x.now + static_cast<caf::timespan::rep>(rounds) * x.service_time;
}

/// A dropping policy: asked at admission (when it checks there) and at
/// dequeue whether to give up on a request.
class dropping_policy {
public:
  virtual ~dropping_policy() = default;

  /// Whether at_admission needs asking (its snapshot costs a little).
  virtual bool checks_admission() const {
    return false;
  }

  virtual bool at_admission(const admission_snapshot& x) const {
    return false;
  }

  /// Whether at_dequeue may ever drop (it depends on the time a batch
  /// starts, so such a frontend sends no batch ahead).
  virtual bool checks_dequeue() const {
    return false;
  }

  virtual bool at_dequeue(const drop_snapshot& x) const {
    return false;
  }
};

std::unique_ptr<dropping_policy> make_dropping_policy(drop_kind kind);

} // namespace troupe
