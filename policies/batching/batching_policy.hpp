#pragma once

// How many queued requests an idle worker takes: a policy object deciding
// from a snapshot of the queue, so that a new policy plugs in without
// touching the frontend.
//  - greedy (seed 002): min(max_batch, queue length) at once, no delay.
//  - fill (seed 004): wait for a full batch of max_batch, but take a partial
//    batch once the oldest request waited the stage's share of the SLO minus
//    the full batch's service time, so that waiting never costs the
//    deadline.
//  - delay (Triton's dynamic batcher): wait for a full batch, but at most
//    max_queue_delay after the oldest request arrived.
//  - aimd (Clipper): a batch-size cap that grows by one after every batch
//    served within the stage's SLO share and shrinks by 10% after one that
//    was not; takes min(cap, queue length) at once. Learns from measured
//    service times, so it needs no profile.
//  - deadline: the largest batch whose service time (the profile's) still
//    ends before the oldest queued request's deadline; at least one.
//  - upstream: the batches an upstream stage formed, one at a time and at
//    the size they were padded to (Rafiki's models each run the batch its
//    controller chose, in the order chosen).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/timespan.hpp>

#include "models/profile.hpp"

namespace troupe {

enum class batching_kind { greedy, fill, delay, aimd, deadline, upstream };

/// Parses "greedy", "fill", "delay", "aimd", "deadline" or "upstream".
std::optional<batching_kind> parse_batching_kind(const std::string& text);

const char* to_string(batching_kind x);

/// The names, comma-separated, for error messages.
const char* batching_kind_names();

struct batching_options {
  batching_kind kind = batching_kind::greedy;
  /// delay: the longest the oldest request waits for a fuller batch.
  caf::timespan max_queue_delay{0};
};

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
  /// Time left until the oldest queued request's deadline (negative once
  /// it passed).
  caf::timespan oldest_slack{0};
  /// For policies that keep upstream batches: how many leading requests one
  /// upstream batch delivered, and the size it was padded to (0: none).
  uint32_t upstream_run = 0;
  uint32_t upstream_padded = 0;
};

class batching_policy {
public:
  virtual ~batching_policy() = default;

  /// How many requests to take now; 0 = wait.
  virtual uint32_t batch_size(const batching_snapshot& x) const = 0;

  /// Whether the snapshot must say which requests one upstream batch
  /// delivered (upstream_run).
  virtual bool keeps_upstream_batches() const {
    return false;
  }

  /// Whether batch_size may ever say wait (the frontend then keeps a timer
  /// for longest_wait).
  virtual bool may_wait() const {
    return false;
  }

  /// Whether a batch it sizes now may start later unchanged (after the
  /// worker's current batch, when the frontend sends it ahead): true when
  /// a full batch's size does not depend on the time it starts.
  virtual bool sizes_ahead() const {
    return false;
  }

  /// A batch of `size` came back after `took` (from dispatch to the
  /// replica's idle message); `stage_slo` as in the snapshot.
  virtual void observe(uint32_t size, caf::timespan took,
                       caf::timespan stage_slo) {
    // nop: most policies decide from the snapshot alone.
  }

  /// While it waits: how long the oldest request may wait in all, so that a
  /// timer takes a partial batch then; nothing = wait for the next arrival
  /// or completion.
  virtual std::optional<caf::timespan>
  longest_wait(const batching_snapshot& x) const {
    return std::nullopt;
  }
};

std::unique_ptr<batching_policy>
make_batching_policy(const batching_options& options);

} // namespace troupe
