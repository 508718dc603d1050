#include "policies/dropping/drop_policy.hpp"

namespace troupe {

namespace {

/// Serves everything that fits in the queue, however late.
class no_dropping : public dropping_policy {};

/// At dequeue: drops a request that would finish after its deadline even if
/// served right now in the batch being formed.
class deadline_dropping : public dropping_policy {
public:
  bool checks_dequeue() const override {
    return true;
  }

  bool at_dequeue(const drop_snapshot& x) const override {
    return x.now + x.service_time > x.deadline;
  }
};

/// Seed 004: also at admission, from the queue ahead and the workers.
class estimate_dropping : public deadline_dropping {
public:
  bool checks_admission() const override {
    return true;
  }

  bool at_admission(const admission_snapshot& x) const override {
    return x.workers > 0 && admission_estimate(x) > x.deadline;
  }
};

} // namespace

std::unique_ptr<dropping_policy> make_dropping_policy(drop_kind kind) {
  switch (kind) {
    case drop_kind::deadline:
      return std::make_unique<deadline_dropping>();
    case drop_kind::estimate:
      return std::make_unique<estimate_dropping>();
    case drop_kind::none:
      break;
  }
  return std::make_unique<no_dropping>();
}

} // namespace troupe
