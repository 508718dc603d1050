#include "actors/frontend.hpp"

namespace troupe {

void frontend_state::init(frontend_options opts,
                          std::vector<replica_actor> reps, sink_actor snk) {
  options = std::move(opts);
  replicas = std::move(reps);
  set_max_batch(options.batching.max_batch);
  options.pool.slots = static_cast<uint32_t>(replicas.size());
  pool = worker_pool{options.pool};
  sink = std::move(snk);
  router = replica_router{options.routing};
  gather = join_buffer{options.inputs};
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
  if (options.dropping == drop_kind::estimate && options.service) {
    estimate.emplace();
    estimate->now = now;
    estimate->workers = pool.active();
    estimate->batch = options.batching.max_batch;
    estimate->service_time = options.service->service_time(
      options.batching.max_batch);
  }
  for (auto& x : in.requests) {
    auto joined = gather.add(std::move(x), now);
    if (!joined)
      continue;
    auto& req = joined->req;
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
      if (should_drop_on_admission(options.dropping, *estimate)) {
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
  auto size = options.batching.batch_size(
    queue.size(), now - queue.front().trace.back().enqueue);
  if (size == 0)
    return std::nullopt;
  auto replica = router.pick(pool.idle());
  if (!replica)
    return std::nullopt;
  dispatch result;
  result.replica = *replica;
  result.work.from = options.stage;
  drop_snapshot snapshot;
  snapshot.now = now;
  if (options.service)
    snapshot.service_time = options.service->service_time(size);
  auto& taken = result.work.requests;
  taken.reserve(size);
  while (taken.size() < size && !queue.empty()) {
    auto& front = queue.front();
    snapshot.deadline = front.deadline;
    if (should_drop(options.dropping, snapshot))
      result.expired.push_back(std::move(front));
    else
      taken.push_back(std::move(front));
    queue.pop_front();
  }
  auto actual = static_cast<uint32_t>(taken.size());
  auto id = taken.empty() ? 0 : ++batches_formed;
  for (auto& req : taken) {
    auto& visit = req.trace.back();
    visit.batch_id = id;
    visit.dequeue = now;
    visit.batch_size = actual;
    visit.replica = static_cast<uint16_t>(result.replica);
  }
  if (!taken.empty())
    pool.take(result.replica, now);
  return result;
}

void frontend_state::release(size_t replica, caf::timespan now) {
  pool.release(replica, now);
}

std::optional<caf::timespan> frontend_state::flush_time() const {
  if (options.batching.kind != batching_kind::fill || queue.empty()
      || queue.size() >= options.batching.max_batch)
    return std::nullopt;
  const auto& idle = pool.idle();
  if (std::find(idle.begin(), idle.end(), true) == idle.end())
    return std::nullopt;
  return queue.front().trace.back().enqueue + options.batching.flush_after;
}

void frontend_state::set_max_batch(uint32_t max_batch) {
  auto& batching = options.batching;
  batching.max_batch = std::max(1u, max_batch);
  if (!options.service)
    return;
  batching.max_batch = std::min(batching.max_batch,
                                options.service->max_batch());
  batching.flush_after = std::max(
    caf::timespan{0},
    options.stage_slo - options.service->service_time(batching.max_batch));
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

frontend_actor::behavior_type frontend(frontend_pointer self,
                                       frontend_options options,
                                       std::vector<replica_actor> replicas,
                                       sink_actor sink) {
  auto& st = self->state;
  st.init(std::move(options), std::move(replicas), std::move(sink));
  auto now = [self] { return self->state.since_epoch(self->clock().now()); };
  auto drop = [self](std::vector<request> requests, errc reason,
                     caf::timespan when) {
    if (requests.empty())
      return;
    self->state.drops += requests.size();
    self->send(self->state.sink, drop_notice{self->state.options.stage,
                                             reason, when,
                                             std::move(requests)});
  };
  auto pump = [self, drop](caf::timespan when) {
    auto& st = self->state;
    while (auto next = st.next_dispatch(when)) {
      drop(std::move(next->expired), errc::deadline_expired, when);
      if (!next->work.requests.empty())
        self->send(st.replicas[next->replica], atoms::serve_atom_v,
                   std::move(next->work));
    }
    // fill batching holds a partial batch back: make sure a timer ends the
    // wait (one timer at a time, the earliest needed).
    auto due = st.flush_time();
    if (due && (!st.flush_at || *due < *st.flush_at)) {
      st.flush_at = *due;
      self->delayed_send(self, *due - when, atoms::flush_batch_atom_v);
    }
  };
  return {
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [self](run_start x) { self->state.start(x); },
    [self](atoms::events_atom) { return self->state.events; },
    [self, now, drop, pump](batch& in) {
      ++self->state.events;
      auto when = now();
      auto admitted = self->state.admit(std::move(in), when);
      drop(std::move(admitted.full), errc::queue_full, when);
      drop(std::move(admitted.unreachable), errc::deadline_unreachable, when);
      pump(when);
    },
    [self, now, pump](replica_idle msg) {
      ++self->state.events;
      auto when = now();
      self->state.release(msg.replica, when);
      pump(when);
    },
    [self, now, pump](scale_order order) {
      ++self->state.events;
      auto when = now();
      for (auto boot : self->state.apply(order, when))
        self->delayed_send(self, self->state.options.pool.cold_start,
                           atoms::booted_atom_v, boot.slot, boot.generation);
      pump(when);
    },
    [self, now](atoms::load_atom) {
      ++self->state.events;
      return self->state.report(now());
    },
    [self, now, pump](atoms::booted_atom, uint16_t slot, uint32_t generation) {
      ++self->state.events;
      auto when = now();
      if (self->state.pool.booted(worker_pool::boot{slot, generation}, when))
        pump(when);
    },
    [self, now, pump](atoms::flush_batch_atom) {
      ++self->state.events;
      auto when = now();
      auto& st = self->state;
      if (st.flush_at && *st.flush_at <= when)
        st.flush_at.reset();
      pump(when);
    },
  };
}

} // namespace troupe
