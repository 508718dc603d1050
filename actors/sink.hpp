#pragma once

// The sink: where every request ends exactly once.
//
//  - Leaf stages send their finished batches here; a request completes when
//    every leaf stage finished it (a join_buffer over the leaves).
//  - Frontends send drops, replicas send failures.
//  - The first outcome of a request is final. Results that arrive for a
//    request that already ended (its other branch was dropped) are counted as
//    orphaned work, never as a second outcome.
//  - The client says how many requests it sent. An ended_atom request is
//    answered once that many have ended; collect_atom hands out every record
//    so far, in id order.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/join_buffer.hpp"
#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "models/scheduler_core.hpp"

namespace troupe {

struct sink_options {
  /// Number of leaf stages (stages nothing else consumes).
  size_t leaves = 1;
  /// Requests the run will send, if known: room for their records is
  /// allocated (and touched) at spawn, before time zero, so that the sink
  /// neither grows nor page-faults on the hot path.
  size_t expected_requests = 0;
  /// Virtual time: the run's scheduler core (models/scheduler_core.hpp),
  /// told when results arrive, where modelled. One process's object:
  /// neither compared nor sent.
  std::shared_ptr<scheduler_core> scheduler;
};

inline bool operator==(const sink_options& x, const sink_options& y) {
  return x.leaves == y.leaves && x.expected_requests == y.expected_requests;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sink_options& x) {
  return f(caf::meta::type_name("sink_options"), x.leaves,
           x.expected_requests);
}

struct sink_state : run_member {
  static inline const char* name = "sink";

  sink_options options;
  join_buffer leaf_gather;
  /// records[id] is valid where ended_flags[id] is set. Sized up front
  /// (expected_requests): growing it on the hot path stalled the sink for
  /// milliseconds at 100,000s of records.
  std::vector<request_outcome> records;
  std::vector<bool> ended_flags;
  uint64_t ended = 0;
  /// Ended requests that completed after their deadline, or did not complete.
  uint64_t late = 0;
  uint64_t orphaned = 0;
  std::optional<uint64_t> sent;
  /// ended_atom requests, answered once every request ended.
  std::vector<caf::typed_response_promise<uint64_t>> waiting;
  /// The client that asked for a pace_atom after each leaf batch (real
  /// time), or null.
  client_actor pacer;

  void init(sink_options opts);

  /// A leaf stage finished these requests.
  void on_leaf_results(batch&& in, caf::timespan now);

  void on_drop(drop_notice&& x);

  void on_failure(failure_notice&& x);

  /// True once the client reported and every request it sent has ended.
  bool done() const;

  run_counts counts() const;

  /// Hands out all records (in id order); leaves the sink empty.
  run_outcomes take();

private:
  /// Records the outcome unless the request already ended; returns whether
  /// it was recorded.
  bool end(request_outcome&& x);

  /// Ends requests that were dropped or failed at `stage`.
  void end_unserved(std::vector<request>& requests, outcome_kind kind,
                    caf::timespan when, stage_id stage, errc reason,
                    const std::string& error);
};

using sink_pointer = sink_actor::stateful_pointer<sink_state>;

sink_actor::behavior_type sink(sink_pointer self, sink_options options);

} // namespace troupe
