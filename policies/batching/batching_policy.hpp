#pragma once

// How many queued requests an idle worker takes: a policy object deciding
// from a snapshot of the queue, so that a new policy (issue-level examples:
// a maximum queue delay, AIMD, deadline-aware) plugs in without touching the
// frontend.
//  - greedy (seed 002): min(max_batch, queue length) at once, no delay.
//  - fill (seed 004): wait for a full batch of max_batch, but take a partial
//    batch once the oldest request waited the stage's share of the SLO minus
//    the full batch's service time, so that waiting never costs the
//    deadline.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/timespan.hpp>

#include "models/profile.hpp"

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

/// What a batching policy sees when a worker is idle and requests wait.
struct batching_snapshot {
  size_t queue_length = 0;
  /// How long the oldest queued request has waited.
  caf::timespan waited{0};
  /// The largest batch a worker may take (the scenario's or the scaler's,
  /// at most the profile's largest).
  uint32_t max_batch = 1;
  /// The replicas' profile (null or empty without one).
  const profile* service = nullptr;
  /// The stage's share of the end-to-end SLO.
  caf::timespan stage_slo{0};
};

class batching_policy {
public:
  virtual ~batching_policy() = default;

  /// How many requests to take now; 0 = wait.
  virtual uint32_t batch_size(const batching_snapshot& x) const = 0;

  /// Whether batch_size may ever say wait (the frontend then keeps a timer
  /// for longest_wait).
  virtual bool may_wait() const {
    return false;
  }

  /// While it waits: how long the oldest request may wait in all, so that a
  /// timer takes a partial batch then; nothing = wait for the next arrival
  /// or completion.
  virtual std::optional<caf::timespan>
  longest_wait(const batching_snapshot& x) const {
    return std::nullopt;
  }
};

std::unique_ptr<batching_policy> make_batching_policy(batching_kind kind);

} // namespace troupe
