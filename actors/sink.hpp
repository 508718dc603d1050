#pragma once

// The sink: where every request ends exactly once.
//
//  - Leaf stages send their finished batches here; a request completes when
//    every leaf stage finished it (a join_buffer over the leaves).
//  - Frontends send drops, replicas send failures.
//  - The first outcome of a request is final. Results that arrive for a
//    request that already ended (its other branch was dropped) are counted as
//    orphaned work, never as a second outcome.
//  - The client says how many requests it sent. A collect request is answered
//    once that many have ended, with all records in id order.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/join_buffer.hpp"
#include "actors/run_probe.hpp"
#include "messages/interfaces.hpp"

namespace troupe {

/// Room for every request's record, allocated (and its memory touched)
/// before a run starts, so that the sink neither grows nor page-faults on
/// the hot path.
struct sink_storage {
  std::vector<request_outcome> records;
  std::vector<bool> ended_flags;

  sink_storage() = default;
  explicit sink_storage(size_t requests)
    : records(requests), ended_flags(requests, false) {
    // nop
  }
};

struct sink_options {
  /// Number of leaf stages (stages nothing else consumes).
  size_t leaves = 1;
  caf::actor_clock::time_point epoch;
  /// Prepared room for the records (optional; the sink takes it over).
  std::shared_ptr<sink_storage> storage;
};

struct sink_state {
  static inline const char* name = "sink";

  sink_options options;
  join_buffer leaf_gather;
  /// records[id] is valid where ended_flags[id] is set. Sized up front by
  /// the runtime (sink_storage): growing it on the hot path stalled the sink
  /// for milliseconds at 100,000s of records.
  std::vector<request_outcome> records;
  std::vector<bool> ended_flags;
  uint64_t ended = 0;
  uint64_t orphaned = 0;
  std::optional<uint64_t> sent;
  std::vector<caf::typed_response_promise<run_outcomes>> waiting;
  run_probe* probe = nullptr;
  /// The client that asked for a pace_atom after each leaf batch (real
  /// time), or null.
  client_actor pacer;
  event_counter events;

  void init(sink_options opts, run_probe* p);

  /// A leaf stage finished these requests.
  void on_leaf_results(batch&& in, caf::timespan now);

  void on_drop(drop_notice&& x);

  void on_failure(failure_notice&& x);

  /// True once the client reported and every request it sent has ended.
  bool done() const;

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

sink_actor::behavior_type sink(sink_pointer self, sink_options options,
                               run_probe* probe);

} // namespace troupe
