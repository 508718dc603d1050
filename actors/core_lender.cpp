#include "actors/core_lender.hpp"

namespace troupe {

core_lender::core_lender(std::vector<int> replica_cores)
  : cores_(std::move(replica_cores)) {
  // nop
}

std::vector<int> core_lender::lend() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (lent_ >= cores_.size())
    return {};
  ++lent_;
  return cores_;
}

void core_lender::give_back() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (lent_ > 0)
    --lent_;
}

size_t core_lender::lent() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return lent_;
}

} // namespace troupe
