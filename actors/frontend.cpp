#include "actors/frontend.hpp"

namespace troupe {

void frontend_state::init(frontend_options opts,
                          std::vector<replica_actor> reps, sink_actor snk,
                          run_probe* probe) {
  options = std::move(opts);
  replicas = std::move(reps);
  idle.assign(replicas.size(), true);
  sink = std::move(snk);
  router = replica_router{options.routing};
  gather = join_buffer{options.inputs};
  events.probe = probe;
}

std::vector<request> frontend_state::admit(batch&& in, caf::timespan now) {
  std::vector<request> full;
  for (auto& x : in.requests) {
    auto joined = gather.add(std::move(x), now);
    if (!joined)
      continue;
    auto& req = joined->req;
    if (queue.size() >= options.queue_capacity) {
      full.push_back(std::move(req));
      continue;
    }
    stage_visit visit;
    visit.stage = options.stage;
    visit.enqueue = now;
    req.trace.push_back(visit);
    queue.push_back(std::move(req));
  }
  return full;
}

std::optional<frontend_state::dispatch>
frontend_state::next_dispatch(caf::timespan now) {
  if (queue.empty())
    return std::nullopt;
  auto replica = router.pick(idle);
  if (!replica)
    return std::nullopt;
  dispatch result;
  result.replica = *replica;
  result.work.from = options.stage;
  auto size = options.batching.batch_size(queue.size());
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
  for (auto& req : taken) {
    auto& visit = req.trace.back();
    visit.dequeue = now;
    visit.batch_size = actual;
    visit.replica = static_cast<uint16_t>(result.replica);
  }
  if (!taken.empty())
    idle[result.replica] = false;
  return result;
}

void frontend_state::release(size_t replica) {
  if (replica < idle.size())
    idle[replica] = true;
}

frontend_actor::behavior_type frontend(frontend_pointer self,
                                       frontend_options options,
                                       std::vector<replica_actor> replicas,
                                       sink_actor sink, run_probe* probe) {
  auto& st = self->state;
  st.init(std::move(options), std::move(replicas), std::move(sink), probe);
  auto now = [self] {
    return self->clock().now() - self->state.options.epoch;
  };
  auto drop = [self](std::vector<request> requests, errc reason,
                     caf::timespan when) {
    if (requests.empty())
      return;
    self->send(self->state.sink, drop_notice{self->state.options.stage,
                                             reason, when,
                                             std::move(requests)});
  };
  auto pump = [self, drop](caf::timespan when) {
    auto& st = self->state;
    while (auto next = st.next_dispatch(when)) {
      drop(std::move(next->expired), errc::deadline_expired, when);
      if (!next->work.requests.empty())
        self->send(st.replicas[next->replica], serve_atom_v,
                   std::move(next->work));
    }
  };
  return {
    [self, now, drop, pump](batch& in) {
      ++self->state.events;
      auto when = now();
      drop(self->state.admit(std::move(in), when), errc::queue_full, when);
      pump(when);
    },
    [self, now, pump](replica_idle msg) {
      ++self->state.events;
      self->state.release(msg.replica);
      pump(now());
    },
  };
}

} // namespace troupe
