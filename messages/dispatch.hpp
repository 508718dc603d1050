#pragma once

// A frontend's dispatch decision handed to a controller actor (Rafiki's RL
// agent picks a batch size and a model subset; Armol's picks providers per
// input): the frontend asks with what it sees, the controller answers.

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "messages/request.hpp"

namespace troupe {

/// How many queued requests a dispatch_query lists at least (Rafiki
/// observes 200).
constexpr size_t query_depth = 256;

/// Frontend -> controller: a worker is idle and requests wait; what now?
struct dispatch_query {
  stage_id stage = 0;
  caf::timespan now{0};
  uint64_t queue_length = 0;
  /// Deadlines of the queued requests a batch could take (oldest first, at
  /// most max_batch of them).
  std::vector<caf::timespan> deadlines;
  /// Arrival times of the first queued requests (oldest first, at most
  /// max(max_batch, query_depth) of them): a controller that observes the
  /// queue (Rafiki's) sees how long each has waited.
  std::vector<caf::timespan> arrivals;
  /// How long the oldest queued request has waited.
  caf::timespan oldest_wait{0};
  /// Workers that can take a batch now.
  std::vector<uint16_t> idle_workers;
  uint32_t max_batch = 1;
  /// How many successors a route chooses from (bit i = successor i).
  uint16_t successors = 0;
};

inline bool operator==(const dispatch_query& x, const dispatch_query& y) {
  return x.stage == y.stage && x.now == y.now
         && x.queue_length == y.queue_length && x.deadlines == y.deadlines
         && x.arrivals == y.arrivals
         && x.oldest_wait == y.oldest_wait && x.idle_workers == y.idle_workers
         && x.max_batch == y.max_batch && x.successors == y.successors;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dispatch_query& x) {
  return f(caf::meta::type_name("dispatch_query"), x.stage, x.now,
           x.queue_length, x.deadlines, x.arrivals, x.oldest_wait, x.idle_workers,
           x.max_batch, x.successors);
}

/// Controller -> frontend: the answer to a dispatch_query.
struct dispatch_decision {
  /// Requests to take from the head of the queue (at most max_batch);
  /// 0 = take none for now (see retry_after).
  uint32_t batch_size = 0;
  /// The batch costs batch_size even when fewer requests are queued (its
  /// visits' padded_size): Rafiki's models run a chosen batch size.
  bool padded = false;
  /// With batch_size 0: ask again after this long; 0 = at the next arrival
  /// or completion (nothing else wakes the frontend: a controller that
  /// waits with requests queued and nothing in flight must set it).
  caf::timespan retry_after{0};
  /// The answer stands until retry_after is over: the frontend asks nothing
  /// before then, arrivals and completions only queue (Rafiki's controller
  /// decides at its own checks, whatever arrives between them).
  bool firm = false;
  /// The worker to use; -1, or one that is not idle: the router picks.
  int32_t worker = -1;
  /// Route of each request of the batch, in queue order (stage_visit::route:
  /// bit i = successor i); one entry applies to all; empty = every successor.
  std::vector<uint64_t> routes;
};

inline bool operator==(const dispatch_decision& x,
                       const dispatch_decision& y) {
  return x.batch_size == y.batch_size && x.padded == y.padded
         && x.retry_after == y.retry_after && x.firm == y.firm
         && x.worker == y.worker && x.routes == y.routes;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dispatch_decision& x) {
  return f(caf::meta::type_name("dispatch_decision"), x.batch_size, x.padded,
           x.retry_after, x.firm, x.worker, x.routes);
}

} // namespace troupe
