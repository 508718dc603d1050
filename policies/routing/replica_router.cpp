#include "policies/routing/replica_router.hpp"

namespace troupe {

namespace {

/// Scans the replicas from `start` (wrapping around) for an idle one.
std::optional<size_t> first_idle_from(const std::vector<bool>& idle,
                                      size_t start) {
  auto n = idle.size();
  for (size_t i = 0; i < n; ++i) {
    auto candidate = (start + i) % n;
    if (idle[candidate])
      return candidate;
  }
  return std::nullopt;
}

class first_idle_router : public replica_router {
public:
  std::optional<size_t> pick(const std::vector<bool>& idle) override {
    return first_idle_from(idle, 0);
  }
};

class round_robin_router : public replica_router {
public:
  std::optional<size_t> pick(const std::vector<bool>& idle) override {
    auto result = first_idle_from(idle, next_);
    if (result)
      next_ = *result + 1;
    return result;
  }

private:
  size_t next_ = 0;
};

} // namespace

std::unique_ptr<replica_router> make_replica_router(routing_kind kind) {
  if (kind == routing_kind::round_robin)
    return std::make_unique<round_robin_router>();
  return std::make_unique<first_idle_router>();
}

} // namespace troupe
