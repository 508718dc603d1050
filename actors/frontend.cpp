#include "actors/frontend.hpp"

#include <fmt/format.h>

#include "actors/forwarding.hpp"
#include "models/durations.hpp"

namespace troupe {

void frontend_state::init(frontend_options opts) {
  options = std::move(opts);
  set_max_batch(options.max_batch);
  batcher = make_batching_policy({options.batching, options.max_queue_delay});
  dropper = make_dropping_policy(options.dropping);
  options.pool.slots = static_cast<uint32_t>(options.replicas.size());
  pool = worker_pool{options.pool};
  in_service.assign(options.pool.slots, {caf::timespan{0}, 0});
  router = make_replica_router(options.routing);
  gather = join_buffer{options.inputs};
  serving.assign(options.pool.slots, 0);
  remote.assign(options.pool.slots, false);
  held.assign(options.pool.slots, std::nullopt);
  ahead.assign(options.pool.slots, std::nullopt);
  sends_ahead = options.send_ahead && !options.controller
                && batcher->sizes_ahead() && !dropper->checks_dequeue();
  for (auto slot : options.joining) {
    remote[slot] = true;
    pool.lose(slot, caf::timespan{0});
  }
}

frontend_state::admission frontend_state::admit(batch&& in,
                                                caf::timespan now) {
  admission result;
  // The whole batch arrives at `now`: one arrival bucket and one admission
  // estimate (but for each request's deadline and place) serve it all.
  bool counting = options.load_bucket.count() > 0;
  auto bucket = counting ? static_cast<size_t>((now - load_since)
                                               / options.load_bucket)
                         : 0;
  std::optional<admission_snapshot> estimate;
  if (dropper->checks_admission() && !options.service.empty()) {
    estimate.emplace();
    estimate->now = now;
    estimate->workers = pool.active();
    estimate->batch = options.max_batch;
    estimate->service_time = options.service.service_time(options.max_batch);
  }
  for (auto& x : in.requests) {
    auto joined = gather.add(std::move(x), now, in.skipped);
    if (!joined)
      continue;
    auto& req = joined->req;
    if (joined->skipped) {
      result.skipped.push_back(std::move(req));
      continue;
    }
    if (counting) {
      if (arrivals.size() <= bucket)
        arrivals.resize(bucket + 1, 0);
      ++arrivals[bucket];
    }
    if (queue.size() >= options.queue_capacity) {
      result.full.push_back(std::move(req));
      continue;
    }
    if (estimate) {
      estimate->deadline = req.deadline;
      estimate->ahead = queue.size();
      if (dropper->at_admission(*estimate)) {
        result.unreachable.push_back(std::move(req));
        continue;
      }
    }
    stage_visit visit;
    visit.stage = options.stage;
    visit.enqueue = now;
    req.trace.push_back(visit);
    queue.push_back(std::move(req));
  }
  return result;
}

std::optional<frontend_state::dispatch>
frontend_state::next_dispatch(caf::timespan now) {
  if (queue.empty())
    return std::nullopt;
  auto view = batching_view(now);
  auto size = batcher->batch_size(view);
  if (size == 0)
    return std::nullopt;
  auto replica = router->pick(pool.idle());
  if (!replica)
    return std::nullopt;
  return form_batch(size, *replica, {}, now, view.upstream_padded);
}

std::optional<frontend_state::dispatch>
frontend_state::next_ahead(caf::timespan now) {
  if (!sends_ahead || queue.size() < options.max_batch)
    return std::nullopt;
  const auto& idle = pool.idle();
  if (std::find(idle.begin(), idle.end(), true) != idle.end())
    return std::nullopt;
  // The worker expected to finish first: its batch's dispatch plus the
  // profile's time for it (without a profile, the earliest dispatch).
  std::optional<size_t> pick;
  caf::timespan soonest{0};
  for (size_t i = 0; i < ahead.size(); ++i) {
    if (pool.state(i) != worker_state::busy || remote[i] || ahead[i])
      continue;
    auto [since, size] = in_service[i];
    auto due = options.service.empty() ? since
                                       : since
                                           + options.service.service_time(
                                             std::max(1u, size));
    if (!pick || due < soonest) {
      pick = i;
      soonest = due;
    }
  }
  if (!pick)
    return std::nullopt;
  auto view = batching_view(now);
  auto size = batcher->batch_size(view);
  if (size == 0)
    return std::nullopt;
  return form_batch(size, *pick, {}, now, view.upstream_padded);
}

std::optional<dispatch_query> frontend_state::query(caf::timespan now) const {
  if (queue.empty())
    return std::nullopt;
  dispatch_query q;
  const auto& idle = pool.idle();
  for (size_t i = 0; i < idle.size(); ++i)
    if (idle[i])
      q.idle_workers.push_back(static_cast<uint16_t>(i));
  if (q.idle_workers.empty())
    return std::nullopt;
  q.stage = options.stage;
  q.now = now;
  q.queue_length = queue.size();
  q.max_batch = options.max_batch;
  for (size_t i = 0; i < queue.size() && i < q.max_batch; ++i)
    q.deadlines.push_back(queue[i].deadline);
  auto depth = std::min(queue.size(), std::max<size_t>(q.max_batch,
                                                       query_depth));
  q.arrivals.reserve(depth);
  for (size_t i = 0; i < depth; ++i)
    q.arrivals.push_back(queue[i].arrival);
  q.oldest_wait = now - queue.front().trace.back().enqueue;
  q.successors = static_cast<uint16_t>(options.successors.size());
  return q;
}

std::optional<frontend_state::dispatch>
frontend_state::decided_dispatch(const dispatch_decision& d,
                                 caf::timespan now) {
  auto size = static_cast<uint32_t>(
    std::min<size_t>({d.batch_size, queue.size(), options.max_batch}));
  if (size == 0)
    return std::nullopt;
  const auto& idle = pool.idle();
  std::optional<size_t> replica;
  if (d.worker >= 0 && size_t(d.worker) < idle.size() && idle[d.worker])
    replica = static_cast<size_t>(d.worker);
  else
    replica = router->pick(idle);
  if (!replica)
    return std::nullopt;
  return form_batch(size, *replica, d.routes, now,
                    d.padded ? d.batch_size : 0);
}

frontend_state::dispatch
frontend_state::form_batch(uint32_t size, size_t replica,
                           const std::vector<uint64_t>& routes,
                           caf::timespan now, uint32_t padded_to) {
  dispatch result;
  result.replica = replica;
  result.work.from = options.stage;
  drop_snapshot snapshot;
  snapshot.now = now;
  if (!options.service.empty())
    snapshot.service_time = options.service.service_time(size);
  auto& taken = result.work.requests;
  taken.reserve(size);
  while (taken.size() < size && !queue.empty()) {
    auto& front = queue.front();
    snapshot.deadline = front.deadline;
    if (dropper->at_dequeue(snapshot))
      result.expired.push_back(std::move(front));
    else
      taken.push_back(std::move(front));
    queue.pop_front();
  }
  auto actual = static_cast<uint32_t>(taken.size());
  // Batch ids are 32 bits on the wire; 0 means "no batch", so a wrapped
  // counter skips it.
  uint32_t id = 0;
  while (!taken.empty() && id == 0)
    id = static_cast<uint32_t>(++batches_formed);
  auto charged = std::max(actual, padded_to);
  for (size_t k = 0; k < taken.size(); ++k) {
    auto& visit = taken[k].trace.back();
    if (!routes.empty())
      visit.route = routes[std::min(k, routes.size() - 1)];
    visit.batch_id = id;
    visit.dequeue = now;
    visit.batch_size = actual;
    visit.padded_size = charged;
    visit.replica = static_cast<uint16_t>(result.replica);
  }
  if (!taken.empty())
    occupy(result.replica, id, actual, now);
  return result;
}

void frontend_state::occupy(size_t replica, uint32_t id, uint32_t size,
                            caf::timespan now) {
  auto state = pool.state(replica);
  if (state == worker_state::busy || state == worker_state::draining) {
    ahead[replica] = waiting_batch{id, size};
    return;
  }
  pool.take(replica, now);
  in_service[replica] = {now, size};
  serving[replica] = id;
}

void frontend_state::release(size_t replica, caf::timespan now) {
  auto& [since, size] = in_service[replica];
  if (size > 0)
    batcher->observe(size, now - since, options.stage_slo);
  held[replica].reset();
  if (auto next = ahead[replica]) {
    // The replica started the batch sent ahead as it finished this one.
    ahead[replica].reset();
    in_service[replica] = {now, next->size};
    serving[replica] = next->id;
    return;
  }
  pool.release(replica, now);
  size = 0;
  serving[replica] = 0;
}

bool frontend_state::expects(const served_batch& x) const {
  return x.replica < serving.size() && serving[x.replica] != 0
         && serving[x.replica] == x.batch_id;
}

void frontend_state::join(size_t replica, replica_actor handle,
                          caf::timespan now) {
  if (replica >= options.replicas.size())
    return;
  // A replica that the slot still counts as live is replaced: what it holds
  // goes back to the queue (its late answer is refused).
  if (pool.state(replica) != worker_state::lost)
    take_back(replica, now);
  options.replicas[replica] = std::move(handle);
  pool.rejoin(replica, now);
}

uint32_t frontend_state::take_back(size_t replica, caf::timespan now) {
  pool.lose(replica, now);
  in_service[replica].second = 0;
  serving[replica] = 0;
  ahead[replica].reset();
  uint32_t count = 0;
  if (auto& copy = held[replica]) {
    auto& requests = copy->requests;
    count = static_cast<uint32_t>(requests.size());
    for (auto it = requests.rbegin(); it != requests.rend(); ++it)
      queue.push_front(std::move(*it));
    copy.reset();
  }
  retried += count;
  return count;
}

std::optional<size_t>
frontend_state::slot_of(const caf::actor_addr& replica) const {
  for (size_t i = 0; i < options.replicas.size(); ++i)
    if (options.replicas[i] && options.replicas[i].address() == replica)
      return i;
  return std::nullopt;
}

bool frontend_state::unserved() const {
  return pool.lost() == options.pool.slots;
}

std::optional<caf::timespan> frontend_state::flush_time() const {
  if (!batcher->may_wait() || queue.empty())
    return std::nullopt;
  const auto& idle = pool.idle();
  if (std::find(idle.begin(), idle.end(), true) == idle.end())
    return std::nullopt;
  auto view = batching_view(queue.front().trace.back().enqueue);
  auto longest = batcher->longest_wait(view);
  if (!longest)
    return std::nullopt;
  return queue.front().trace.back().enqueue + *longest;
}

void frontend_state::set_max_batch(uint32_t max_batch) {
  options.max_batch = std::max(1u, max_batch);
  if (!options.service.empty())
    options.max_batch = std::min(options.max_batch,
                                 options.service.max_batch());
}

batching_snapshot frontend_state::batching_view(caf::timespan now) const {
  batching_snapshot x;
  x.queue_length = queue.size();
  x.waited = now - queue.front().trace.back().enqueue;
  x.max_batch = options.max_batch;
  x.service = &options.service;
  x.stage_slo = options.stage_slo;
  x.oldest_slack = queue.front().deadline - now;
  if (batcher->keeps_upstream_batches())
    std::tie(x.upstream_run, x.upstream_padded) = upstream_batch();
  return x;
}

std::pair<uint32_t, uint32_t> frontend_state::upstream_batch() const {
  // The visit before this stage's own: where the request was last batched.
  auto upstream = [](const request& x) -> const stage_visit* {
    return x.trace.size() >= 2 ? &x.trace[x.trace.size() - 2] : nullptr;
  };
  const auto* first = upstream(queue.front());
  if (first == nullptr)
    return {1, 0};
  uint32_t run = 1;
  while (run < queue.size() && run < options.max_batch) {
    const auto* next = upstream(queue[run]);
    if (next == nullptr || next->stage != first->stage
        || next->batch_id != first->batch_id)
      break;
    ++run;
  }
  return {run, first->padded_size};
}

std::vector<worker_pool::boot> frontend_state::apply(const scale_order& order,
                                                     caf::timespan now) {
  set_max_batch(order.max_batch);
  return pool.set_target(order.workers, now);
}

stage_load frontend_state::report(caf::timespan now) {
  stage_load result;
  result.stage = options.stage;
  result.since = load_since;
  result.bucket = options.load_bucket;
  result.arrivals = std::move(arrivals);
  result.queue_length = queue.size();
  result.active = pool.active();
  result.booting = pool.booting();
  result.cost = pool.cost(now);
  result.drops = drops;
  arrivals.clear();
  load_since = now;
  return result;
}

namespace {

caf::timespan now_of(frontend_pointer self) {
  return self->state.since_epoch(self->clock().now());
}

/// Reports drops to the sink, so that they still end exactly once.
void drop(frontend_pointer self, std::vector<request> requests, errc reason,
          caf::timespan when) {
  if (requests.empty())
    return;
  auto& st = self->state;
  st.drops += requests.size();
  self->send(st.options.sink, drop_notice{st.options.stage, reason, when,
                                          std::move(requests)});
}

void send_out(frontend_pointer self, frontend_state::dispatch&& next,
              caf::timespan when) {
  auto& st = self->state;
  drop(self, std::move(next.expired), errc::deadline_expired, when);
  if (next.work.requests.empty())
    return;
  // A replica on a node may die holding the batch: keep a copy to take back,
  // and a timer for a replica that hangs.
  if (st.remote[next.replica]) {
    st.held[next.replica] = next.work;
    if (st.options.remote_batch_timeout.count() > 0)
      self->delayed_send(self, st.options.remote_batch_timeout,
                         atoms::overdue_atom_v,
                         static_cast<uint16_t>(next.replica),
                         st.serving[next.replica]);
  }
  self->send(st.options.replicas[next.replica], atoms::serve_atom_v,
             std::move(next.work));
}

/// No replica of the stage is left (cluster mode): the queued requests fail
/// with errc::replica_lost, which a client may retry.
void fail_unserved(frontend_pointer self, caf::timespan when) {
  auto& st = self->state;
  if (st.queue.empty())
    return;
  std::vector<request> failed{std::make_move_iterator(st.queue.begin()),
                              std::make_move_iterator(st.queue.end())};
  st.queue.clear();
  self->send(st.options.sink,
             failure_notice{st.options.stage,
                            make_error(errc::replica_lost,
                                       "no replica of the stage is left"),
                            when, std::move(failed)});
}

/// Makes sure the frontend pumps again at `due`: one timer at a time, the
/// earliest needed (a timer per question would multiply with arrivals).
void wake_at(frontend_pointer self, caf::timespan due, caf::timespan now) {
  auto& st = self->state;
  if (st.flush_at && *st.flush_at <= due && *st.flush_at >= now)
    return;
  st.flush_at = due;
  self->delayed_send(self, due - now, atoms::flush_batch_atom_v);
}

/// Dispatches what the policies (or the controller) allow now.
void pump(frontend_pointer self, caf::timespan when) {
  auto& st = self->state;
  if (st.options.scheduler)
    st.options.scheduler->busy_at(when);
  if (st.unserved()) {
    fail_unserved(self, when);
    return;
  }
  if (st.options.controller) {
    // One question at a time; the answer dispatches and asks again.
    if (st.deciding)
      return;
    if (st.quiet_until) {
      if (when < *st.quiet_until) {
        wake_at(self, *st.quiet_until, when);
        return;
      }
      st.quiet_until.reset();
    }
    if (auto q = st.query(when)) {
      st.deciding = true;
      self->request(st.options.controller, caf::infinite, std::move(*q))
        .then([self](dispatch_decision& d) {
          auto& st = self->state;
          if (st.options.decision_time.count() > 0)
            self->delayed_send(self, st.options.decision_time, std::move(d));
          else
            self->send(self, std::move(d));
        });
    }
    return;
  }
  while (auto next = st.next_dispatch(when))
    send_out(self, std::move(*next), when);
  while (auto next = st.next_ahead(when))
    send_out(self, std::move(*next), when);
  // fill batching holds a partial batch back: make sure a timer ends the
  // wait.
  if (auto due = st.flush_time())
    wake_at(self, *due, when);
}

/// The replica on a node of `slot` is lost (`why`): take back its batch,
/// tell the keeper.
void lose_replica(frontend_pointer self, size_t slot, const caf::error& why) {
  auto& st = self->state;
  auto when = now_of(self);
  auto dead = caf::actor_cast<caf::actor>(st.options.replicas[slot]);
  auto retried = st.take_back(slot, when);
  if (st.keeper)
    self->send(st.keeper,
               replica_lost{st.options.stage, static_cast<uint16_t>(slot),
                            std::move(dead), when, why, retried,
                            st.options.pool.slots - st.pool.lost()});
  pump(self, when);
}

/// A replica on a node died.
void on_replica_down(frontend_pointer self, const caf::down_msg& down) {
  auto& st = self->state;
  auto slot = st.slot_of(down.source);
  // Lost already: a replica stopped for holding a batch too long.
  if (!slot || !st.remote[*slot]
      || st.pool.state(*slot) == worker_state::lost)
    return;
  ++st.events;
  lose_replica(self, *slot, down.reason);
}

} // namespace

frontend_actor::behavior_type frontend(frontend_pointer self,
                                       frontend_options options) {
  self->state.init(std::move(options));
  self->set_down_handler(
    [self](caf::down_msg& down) { on_replica_down(self, down); });
  return run_member_behavior(
    self, nothing_to_start,
    [self](batch& in) {
      auto& st = self->state;
      ++st.events;
      auto when = now_of(self);
      auto admitted = st.admit(std::move(in), when);
      drop(self, std::move(admitted.full), errc::queue_full, when);
      drop(self, std::move(admitted.unreachable), errc::deadline_unreachable,
           when);
      if (!admitted.skipped.empty())
        send_to_all(self, st.options.successors,
                    batch{st.options.stage, std::move(admitted.skipped), true});
      pump(self, when);
    },
    [self](replica_idle msg) {
      ++self->state.events;
      auto when = now_of(self);
      self->state.release(msg.replica, when);
      pump(self, when);
    },
    [self](scale_order order) {
      ++self->state.events;
      auto when = now_of(self);
      for (auto boot : self->state.apply(order, when))
        self->delayed_send(self, self->state.options.pool.cold_start,
                           atoms::booted_atom_v, boot.slot, boot.generation);
      pump(self, when);
    },
    [self](atoms::load_atom) {
      ++self->state.events;
      return self->state.report(now_of(self));
    },
    [self](atoms::booted_atom, uint16_t slot, uint32_t generation) {
      ++self->state.events;
      auto when = now_of(self);
      if (self->state.pool.booted(worker_pool::boot{slot, generation}, when))
        pump(self, when);
    },
    [self](atoms::flush_batch_atom) {
      ++self->state.events;
      auto when = now_of(self);
      auto& st = self->state;
      if (st.flush_at && *st.flush_at <= when)
        st.flush_at.reset();
      pump(self, when);
    },
    // A replica on a node is done with its batch.
    [self](served_batch& done) {
      auto& st = self->state;
      ++st.events;
      auto when = now_of(self);
      // A late answer: the batch went back to the queue when its replica
      // was lost, and another replica serves it.
      if (!st.expects(done))
        return;
      // Empty when the replica failed every request (the sink has them).
      if (!done.work.requests.empty()) {
        stamp_finish(done.work, st.options.stage, when);
        forward_by_route(self, st.options.successors, st.options.stage,
                         std::move(done.work));
      }
      st.release(done.replica, when);
      pump(self, when);
    },
    // A replica on a node still holds batch `id` after
    // remote_batch_timeout: it hangs. It is stopped and counts as lost.
    [self](atoms::overdue_atom, uint16_t slot, uint32_t id) {
      auto& st = self->state;
      ++st.events;
      if (slot >= st.serving.size() || st.serving[slot] != id || id == 0)
        return;
      auto hung = st.options.replicas[slot];
      lose_replica(self, slot,
                   make_error(errc::replica_lost,
                              fmt::format("it held a batch longer than {:g} s",
                                          to_seconds(
                                            st.options.remote_batch_timeout))));
      self->send_exit(hung, caf::exit_reason::user_shutdown);
    },
    [self](replica_joined& joined) {
      auto& st = self->state;
      ++st.events;
      auto when = now_of(self);
      auto handle = caf::actor_cast<replica_actor>(joined.handle);
      st.keeper = caf::actor_cast<cluster_keeper_actor>(
        self->current_sender());
      self->monitor(handle);
      st.join(joined.replica, std::move(handle), when);
      pump(self, when);
    },
    // The controller's answer, after the modelled decision time.
    [self](dispatch_decision& d) {
      auto& st = self->state;
      ++st.events;
      auto when = now_of(self);
      st.deciding = false;
      if (auto next = st.decided_dispatch(d, when))
        send_out(self, std::move(*next), when);
      // Ask again only when something moved; a "wait" asks again after
      // retry_after (the flush timer wakes the frontend) or at the next
      // arrival or completion.
      if (d.batch_size > 0)
        pump(self, when);
      else if (d.retry_after.count() > 0) {
        if (d.firm)
          st.quiet_until = when + d.retry_after;
        wake_at(self, when + d.retry_after, when);
      }
    });
}

} // namespace troupe
