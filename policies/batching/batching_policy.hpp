#pragma once

// How many queued requests an idle worker takes.
//  - greedy (seed 002): min(max_batch, queue length) at once, no delay.
//  - fill (seed 004): wait for a full batch of max_batch, but flush a partial
//    batch once the oldest request waited flush_after (the stage's share of
//    the SLO minus the batch's service time), so waiting never costs the
//    deadline.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

namespace troupe {

enum class batching_kind { greedy, fill };

/// Parses "greedy" or "fill".
inline std::optional<batching_kind>
parse_batching_kind(const std::string& text) {
  if (text == "greedy")
    return batching_kind::greedy;
  if (text == "fill")
    return batching_kind::fill;
  return std::nullopt;
}

inline const char* to_string(batching_kind x) {
  return x == batching_kind::fill ? "fill" : "greedy";
}

struct batching_policy {
  batching_kind kind = batching_kind::greedy;
  /// Largest batch a worker may take (at most the profile's largest size).
  uint32_t max_batch = 1;
  /// fill only: the longest the oldest request waits for a full batch.
  caf::timespan flush_after{0};

  /// How many requests to take now from a queue of `queue_length` whose
  /// oldest request has waited `waited`; 0 means wait for more.
  uint32_t batch_size(size_t queue_length, caf::timespan waited) const {
    auto size = static_cast<uint32_t>(std::min<size_t>(max_batch,
                                                        queue_length));
    if (kind == batching_kind::fill && size < max_batch
        && waited < flush_after)
      return 0;
    return size;
  }

  /// fill only: how much longer the oldest request may wait (for a timer).
  caf::timespan flush_in(caf::timespan waited) const {
    return std::max(caf::timespan{0}, flush_after - waited);
  }
};

inline bool operator==(const batching_policy& x, const batching_policy& y) {
  return x.kind == y.kind && x.max_batch == y.max_batch
         && x.flush_after == y.flush_after;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batching_policy& x) {
  return f(caf::meta::type_name("batching_policy"), x.kind, x.max_batch,
           x.flush_after);
}

} // namespace troupe
