#pragma once

// Seed 002's batching: an idle replica takes min(max_batch, queue length)
// requests at once, with no batching delay.

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace troupe {

struct greedy_batching {
  /// Largest batch a replica may take (at most the profile's largest size).
  uint32_t max_batch = 1;

  /// How many requests to take now from a queue of `queue_length`.
  uint32_t batch_size(size_t queue_length) const {
    return static_cast<uint32_t>(
      std::min<size_t>(max_batch, queue_length));
  }
};

} // namespace troupe
