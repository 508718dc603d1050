#pragma once

// A stage's frontend: one bounded FIFO queue in front of a pool of workers
// (replicas).
//
// Protocol, step by step:
//  1. A batch arrives from the client or an upstream stage. With several
//     inputs, each request waits in a join_buffer until every input sent it.
//  2. Each request enters the queue (trace: enqueue), or is dropped with
//     errc::queue_full when the queue holds queue_capacity requests, or with
//     errc::deadline_unreachable when the `estimate` dropping policy says the
//     queue ahead of it is too long.
//  3. While some worker is idle and the queue is not empty, the router picks
//     an idle worker and the batching policy sizes the batch (`fill` may
//     wait for a full batch: a flush timer ends the wait); the dropping
//     policy may drop requests that can no longer meet their deadline
//     (errc::deadline_expired). The batch goes to the worker (trace:
//     dequeue, batch size, replica), which is now busy.
//  4. replica_idle from a worker marks it idle again: back to step 3.
//  With send_ahead, while every worker is busy and a full batch is queued,
//  a local worker also gets its next batch while the current one runs (one
//  at most): its replica starts it without waiting for the frontend's
//  answer to replica_idle (two thread wake-ups, 4% to 6% of a small
//  model's batch in real time). The worker expected to finish first gets
//  it. Only where the batch's size and requests do not depend on when it
//  starts: not with a controller, deadline batching or dropping at dequeue.
// Drops go straight to the sink, so every request still ends exactly once.
//
// Cluster mode (docs/cluster.md): a slot of options.joining is served by a
// replica on a node once the cluster keeper says so (replica_joined). The
// frontend monitors such replicas, keeps a copy of the batch each one
// holds, and gets the batch back when it is done (served_batch), to send it
// on itself. When one dies, or holds a batch past remote_batch_timeout, the
// frontend takes back its batch and queues the requests again, first in
// line; only while no replica of the stage is left do requests fail
// (errc::replica_lost).
//
// With a scaler, scale_order sets the pool's target and the batch size;
// booting workers become usable after the cold start (booted_atom), and
// load_atom answers how many requests arrived since the last answer.

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/join_buffer.hpp"
#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "models/profile.hpp"
#include "models/scheduler_core.hpp"
#include "actors/worker_pool.hpp"
#include "messages/scaling.hpp"
#include "policies/batching/batching_policy.hpp"
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
  /// The policies (policies/batching, routing, dropping) by name.
  batching_kind batching = batching_kind::greedy;
  /// delay batching: the longest the oldest request waits for a fuller
  /// batch.
  caf::timespan max_queue_delay{0};
  routing_kind routing = routing_kind::first_idle;
  drop_kind dropping = drop_kind::none;
  /// Largest batch a worker takes (at most the profile's largest; a scale
  /// order may change it).
  uint32_t max_batch = 1;
  /// The replicas' profile, for deadline estimates; empty for no-op stages.
  profile service;
  /// This stage's share of the end-to-end SLO (fill batching waits for at
  /// most this minus the full batch's service time).
  caf::timespan stage_slo{0};
  /// The workers' lifecycle; pool.slots is set from the replicas given.
  worker_pool_options pool;
  /// Width of the arrival buckets in load reports; 0 = no reports.
  caf::timespan load_bucket{0};
  /// Where the replicas send finished batches; the frontend passes requests
  /// that were routed past this stage (batch::skipped) straight to them.
  std::vector<stage_input_actor> successors;
  /// When set, the controller decides each dispatch (batch size, worker,
  /// routes) in place of the batching policy and the router.
  controller_actor controller;
  /// Virtual time: a controller's answer takes effect this much later (the
  /// learned policy's own latency); real time has real latency instead.
  caf::timespan decision_time{0};
  /// The workers (pool.slots is set from their number).
  std::vector<replica_actor> replicas;
  /// Step 4's shortcut: a busy local worker may get its next batch while the
  /// current one runs, when a full batch is queued.
  bool send_ahead = false;
  /// Cluster mode: the slots that a replica on a node serves once it
  /// joined (replica_joined); lost until then. Empty: none.
  std::vector<uint16_t> joining;
  /// Cluster mode: a replica on a node that holds a batch longer than this
  /// counts as lost (a hung replica on a live node); 0 = no limit.
  caf::timespan remote_batch_timeout{0};
  /// Where drops go.
  sink_actor sink;
  /// Virtual time: the run's scheduler core (models/scheduler_core.hpp),
  /// told whenever the frontend dispatches, where modelled. One process's
  /// object: neither compared nor sent.
  std::shared_ptr<scheduler_core> scheduler;
};

inline bool operator==(const frontend_options& x, const frontend_options& y) {
  return x.stage == y.stage && x.inputs == y.inputs
         && x.queue_capacity == y.queue_capacity && x.batching == y.batching
         && x.max_queue_delay == y.max_queue_delay
         && x.routing == y.routing && x.dropping == y.dropping
         && x.max_batch == y.max_batch
         && x.service == y.service && x.stage_slo == y.stage_slo
         && x.pool == y.pool && x.load_bucket == y.load_bucket
         && x.successors == y.successors && x.controller == y.controller
         && x.decision_time == y.decision_time && x.replicas == y.replicas
         && x.send_ahead == y.send_ahead && x.joining == y.joining
         && x.remote_batch_timeout == y.remote_batch_timeout
         && x.sink == y.sink;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frontend_options& x) {
  return f(caf::meta::type_name("frontend_options"), x.stage, x.inputs,
           x.queue_capacity, x.batching, x.max_queue_delay, x.routing,
           x.dropping, x.max_batch,
           x.service,
           x.stage_slo, x.pool, x.load_bucket, x.successors, x.controller,
           x.decision_time, x.replicas, x.send_ahead, x.joining,
           x.remote_batch_timeout,
           x.sink);
}

struct frontend_state : run_member {
  static inline const char* name = "frontend";

  frontend_options options;
  worker_pool pool;
  std::deque<request> queue;
  std::unique_ptr<batching_policy> batcher;
  /// Per worker: when its batch in service was dispatched, and its size (0
  /// when idle), so that the batching policy learns each batch's time.
  std::vector<std::pair<caf::timespan, uint32_t>> in_service;
  std::unique_ptr<dropping_policy> dropper;
  std::unique_ptr<replica_router> router;
  join_buffer gather;
  /// Requests dropped here so far, for load reports.
  uint64_t drops = 0;
  /// Batches formed so far: the last batch's id (stage_visit::batch_id).
  uint64_t batches_formed = 0;
  /// Arrivals per load_bucket since `load_since`.
  std::vector<uint32_t> arrivals;
  caf::timespan load_since{0};
  /// When the pending flush timer fires; nothing when none is pending.
  std::optional<caf::timespan> flush_at;
  /// A question to the controller is open: no other dispatch until then.
  bool deciding = false;
  /// The controller's firm answer holds until then: no question before.
  std::optional<caf::timespan> quiet_until;
  /// Per worker: the id of the batch in service (0 when idle), so that a
  /// late served_batch from a lost replica is told apart.
  std::vector<uint32_t> serving;
  /// A batch sent ahead: it waits at its replica behind the one in service.
  struct waiting_batch {
    uint32_t id = 0;
    uint32_t size = 0;
  };
  /// Per worker: the batch sent ahead, if any.
  std::vector<std::optional<waiting_batch>> ahead;
  /// options.send_ahead, where the policies allow it.
  bool sends_ahead = false;
  /// Per worker: served by a replica on a node (a slot of
  /// options.joining).
  std::vector<bool> remote;
  /// Per remote worker: a copy of the batch it holds, taken back if it dies.
  std::vector<std::optional<batch>> held;
  /// Requests taken back from lost replicas and queued again.
  uint64_t retried = 0;
  /// Cluster mode: the keeper that sent replica_joined, told of every
  /// replica lost.
  cluster_keeper_actor keeper;

  frontend_state() = default;

  void init(frontend_options opts);

  struct admission {
    /// Found the queue full.
    std::vector<request> full;
    /// The `estimate` policy's drops.
    std::vector<request> unreachable;
    /// Routed past this stage by every input: passed on as skipped.
    std::vector<request> skipped;
  };

  /// Steps 1-2: joins inputs and queues what is complete.
  admission admit(batch&& in, caf::timespan now);

  struct dispatch {
    /// Index of the replica that gets `work`; `work` may be empty when every
    /// request considered was dropped.
    size_t replica = 0;
    batch work;
    std::vector<request> expired;
  };

  /// Step 3: the next batch for an idle worker, or nothing when no worker
  /// is idle, the queue is empty or the batching policy waits. Marks the
  /// chosen worker busy.
  std::optional<dispatch> next_dispatch(caf::timespan now);

  /// Step 4's shortcut (send_ahead): the next batch for the busy local
  /// worker expected to finish first, or nothing unless every worker is
  /// busy, a full batch is queued and some such worker has none waiting.
  std::optional<dispatch> next_ahead(caf::timespan now);

  /// Step 3 with a controller: what it needs to decide, or nothing when no
  /// worker is idle or the queue is empty.
  std::optional<dispatch_query> query(caf::timespan now) const;

  /// Step 3 as the controller decided; nothing when it said wait or no
  /// worker is idle any more.
  std::optional<dispatch> decided_dispatch(const dispatch_decision& d,
                                           caf::timespan now);

  /// Takes up to `size` requests for `replica` (dropping those the dropping
  /// policy gives up on), stamps their visits and marks the worker busy.
  /// `routes`: see dispatch_decision::routes; `padded_to`: the size the
  /// batch is charged as when larger than the requests taken (0: none).
  dispatch form_batch(uint32_t size, size_t replica,
                      const std::vector<uint64_t>& routes, caf::timespan now,
                      uint32_t padded_to = 0);

  /// Gives batch `id` of `size` requests to worker `replica`: it becomes
  /// busy, or its batch waits behind the one in service when it is busy.
  void occupy(size_t replica, uint32_t id, uint32_t size, caf::timespan now);

  /// Step 4: the worker is idle again, or starts its batch sent ahead.
  void release(size_t replica, caf::timespan now);

  /// Whether `x` answers the batch that `x.replica` holds now (not a late
  /// answer from a replica that was lost meanwhile).
  bool expects(const served_batch& x) const;

  /// A replica on a node serves slot `replica` (one of options.joining)
  /// from now on.
  void join(size_t replica, replica_actor handle, caf::timespan now);

  /// The replica of slot `replica` died: the slot is lost until a replica
  /// joins again, and the batch it held goes back to the front of the
  /// queue. Returns how many requests were queued again.
  uint32_t take_back(size_t replica, caf::timespan now);

  /// The slot whose replica has this address, if any.
  std::optional<size_t> slot_of(const caf::actor_addr& replica) const;

  /// True while no replica can serve: every slot is lost.
  bool unserved() const;

  /// When a waiting partial batch must be flushed: nothing unless `fill`
  /// batching holds back a queue that an idle worker could take.
  std::optional<caf::timespan> flush_time() const;

  /// Batches of up to `max_batch` from now on (at least 1, at most the
  /// profile's largest).
  void set_max_batch(uint32_t max_batch);

  /// What the batching policy decides from (the queue must not be empty).
  batching_snapshot batching_view(caf::timespan now) const;

  /// The leading queued requests that one upstream batch delivered (at
  /// most max_batch), and that batch's padded size.
  std::pair<uint32_t, uint32_t> upstream_batch() const;

  /// Applies a scaler's order; returns the workers that start booting.
  std::vector<worker_pool::boot> apply(const scale_order& order,
                                       caf::timespan now);

  /// What arrived since the last report (and starts a new period).
  stage_load report(caf::timespan now);
};

using frontend_pointer = frontend_actor::stateful_pointer<frontend_state>;

frontend_actor::behavior_type frontend(frontend_pointer self,
                                       frontend_options options);

} // namespace troupe
