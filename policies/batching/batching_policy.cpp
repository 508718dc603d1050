#include "policies/batching/batching_policy.hpp"

#include <algorithm>

namespace troupe {

namespace {

class greedy_batching : public batching_policy {
public:
  uint32_t batch_size(const batching_snapshot& x) const override {
    return static_cast<uint32_t>(std::min<size_t>(x.max_batch,
                                                  x.queue_length));
  }
};

class fill_batching : public batching_policy {
public:
  bool may_wait() const override {
    return true;
  }

  uint32_t batch_size(const batching_snapshot& x) const override {
    auto size = static_cast<uint32_t>(std::min<size_t>(x.max_batch,
                                                       x.queue_length));
    if (size < x.max_batch && x.waited < *longest_wait(x))
      return 0;
    return size;
  }

  /// The SLO share minus the full batch's service time (0 without a
  /// profile: nothing says how long a batch takes).
  std::optional<caf::timespan>
  longest_wait(const batching_snapshot& x) const override {
    if (x.service == nullptr || x.service->empty())
      return caf::timespan{0};
    return std::max(caf::timespan{0},
                    x.stage_slo - x.service->service_time(x.max_batch));
  }
};

} // namespace

std::unique_ptr<batching_policy> make_batching_policy(batching_kind kind) {
  if (kind == batching_kind::fill)
    return std::make_unique<fill_batching>();
  return std::make_unique<greedy_batching>();
}

} // namespace troupe
