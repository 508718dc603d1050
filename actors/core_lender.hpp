#pragma once

// A node process (`troupe node`) does not know how many torch replicas a
// coordinator will place on it. It keeps its actors on its first core, as
// a run does (actors/core_pinning.hpp), and lends the rest to the torch
// replicas spawned on it while their threads fit there (one LibTorch
// thread each, as a coordinator sends them): more replicas than those
// cores take turns better on every core, so the ones beyond run where
// Linux puts them. A replica gives its place back when it ends.

#include <cstddef>
#include <mutex>
#include <vector>

namespace troupe {

class core_lender {
public:
  explicit core_lender(std::vector<int> replica_cores);

  /// The replicas' cores for one more replica, or nothing where those
  /// cores already have as many replicas as cores.
  std::vector<int> lend();

  /// A replica that was lent the cores has ended.
  void give_back();

  /// Replicas holding the cores now.
  size_t lent() const;

private:
  std::vector<int> cores_;
  mutable std::mutex mtx_;
  size_t lent_ = 0;
};

} // namespace troupe
