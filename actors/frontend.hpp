#pragma once

// A stage's frontend: one bounded FIFO queue in front of R replicas.
//
// Protocol, step by step:
//  1. A batch arrives from the client or an upstream stage. With several
//     inputs, each request waits in a join_buffer until every input sent it.
//  2. Each request enters the queue (trace: enqueue), or is dropped with
//     errc::queue_full when the queue holds queue_capacity requests.
//  3. While some replica is idle and the queue is not empty, the router picks
//     an idle replica and the batching policy sizes the batch; the dropping
//     policy may drop requests that can no longer meet their deadline
//     (errc::deadline_expired). The batch goes to the replica (trace:
//     dequeue, batch size, replica), which is now busy.
//  4. replica_idle from a replica marks it idle again: back to step 3.
// Drops go straight to the sink, so every request still ends exactly once.

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/join_buffer.hpp"
#include "actors/run_probe.hpp"
#include "messages/interfaces.hpp"
#include "models/profile.hpp"
#include "policies/batching/greedy_batching.hpp"
#include "policies/dropping/drop_policy.hpp"
#include "policies/routing/replica_router.hpp"

namespace troupe {

struct frontend_options {
  /// This stage's index in the scenario.
  stage_id stage = 0;
  /// How many distinct inputs deliver each request (1 for most stages).
  size_t inputs = 1;
  /// Requests the queue holds at most; more are dropped (queue_full).
  size_t queue_capacity = 100000;
  greedy_batching batching;
  routing_kind routing = routing_kind::first_idle;
  drop_kind dropping = drop_kind::none;
  /// The replicas' profile, for deadline estimates; null for no-op stages.
  std::shared_ptr<const profile> service;
  /// Time zero of the run: traces hold offsets from it.
  caf::actor_clock::time_point epoch;
};

struct frontend_state {
  static inline const char* name = "frontend";

  frontend_options options;
  std::vector<replica_actor> replicas;
  std::vector<bool> idle;
  sink_actor sink;
  std::deque<request> queue;
  replica_router router;
  join_buffer gather;
  event_counter events;

  frontend_state() = default;

  void init(frontend_options opts, std::vector<replica_actor> reps,
            sink_actor snk, run_probe* probe);

  /// Steps 1-2: joins inputs and queues what is complete. Returns the
  /// requests that found the queue full.
  std::vector<request> admit(batch&& in, caf::timespan now);

  struct dispatch {
    /// Index of the replica that gets `work`; `work` may be empty when every
    /// request considered was dropped.
    size_t replica = 0;
    batch work;
    std::vector<request> expired;
  };

  /// Step 3: the next batch for an idle replica, or nothing when no replica
  /// is idle or the queue is empty. Marks the chosen replica busy.
  std::optional<dispatch> next_dispatch(caf::timespan now);

  /// Step 4.
  void release(size_t replica);
};

using frontend_pointer = frontend_actor::stateful_pointer<frontend_state>;

frontend_actor::behavior_type frontend(frontend_pointer self,
                                       frontend_options options,
                                       std::vector<replica_actor> replicas,
                                       sink_actor sink, run_probe* probe);

} // namespace troupe
