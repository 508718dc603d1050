#include "actors/replica.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>

#include "actors/core_pinning.hpp"
#include "actors/forwarding.hpp"
#include "models/data/data_set_cache.hpp"

namespace troupe {

uint32_t charged_size(const batch& work) {
  auto size = static_cast<uint32_t>(work.requests.size());
  if (!work.requests.empty() && !work.requests.front().trace.empty())
    size = std::max(size, work.requests.front().trace.back().padded_size);
  return size;
}

caf::timespan replica_state::idle_before(caf::timespan now) const {
  if (!last_finish)
    return caf::timespan::max();
  if (now <= *last_finish)
    return caf::timespan{0};
  auto wait = now - *last_finish;
  return wait + handoff_after(wait, poll.polls_through(wait)).median;
}

void replica_state::start_draws() {
  service_times = service_time_model{options.service_time};
  poll = poll_window{options.service.wake.poll.longest};
}

handoff_time replica_state::handoff_after(caf::timespan wait,
                                          bool polled) const {
  if (!options.handoff.modelled())
    return {};
  const auto& p = options.service;
  // Without a curve, the options' hand-off (the profile's, in a run).
  if (!p.wake.modelled())
    return wait.count() > 0 ? options.handoff : handoff_time{};
  if (polled)
    return {p.wake.poll.polled, caf::timespan{0}};
  return p.handoff_after(wait);
}

caf::timespan replica_state::waited(caf::timespan now) const {
  return last_finish ? std::max(caf::timespan{0}, now - *last_finish)
                     : caf::timespan::max();
}

handoff_time replica_state::brought_by(caf::timespan now, bool queued) {
  if (queued)
    return handoff_after(caf::timespan{0}, false);
  auto wait = waited(now);
  // Only a core that waited adapts its poll (one sent ahead went straight
  // on); without a poll in the profile the window stays shut.
  return handoff_after(wait, poll.polled(wait));
}

caf::expected<caf::timespan>
replica_state::service_time(const batch& work, caf::timespan idle) {
  auto size = charged_size(work);
  if (options.service.empty())
    return caf::timespan{0};
  if (size == 0 || size > options.service.max_batch())
    return make_error(errc::batch_too_large,
                      "batch of " + std::to_string(size)
                        + " beyond the profile's largest batch "
                        + std::to_string(options.service.max_batch()));
  return service_times(options.service, size, idle);
}

replica_state::held_time
replica_state::hold(caf::timespan now, bool queued, caf::timespan pass) {
  auto arrival = service_times.handoff(brought_by(now, queued));
  // A core that slept past its poll may wake into a stall
  // (models/wake_stalls.hpp); one sent ahead did not sleep.
  if (!queued && options.handoff.modelled())
    arrival += service_times.wake_stall(options.service.wake.stalls,
                                        waited(now));
  leaving = service_times.handoff(options.handoff);
  // The core slept from its poll's end to this batch (before the first
  // one, all along); kept only where it has stalls to meet.
  auto met = 1.0;
  if (service_times.own_core_stalls()) {
    if (!queued) {
      auto fell_asleep = last_finish ? *last_finish + wake_stall_after
                                     : now - recent_sleep_window;
      sleep.slept(fell_asleep, now);
    }
    met = stalls_met_share(sleep.read(now));
  }
  auto brought = service_times.on_own_core(now, arrival, met);
  auto compute = service_times.on_own_core(now + brought, pass, met);
  return {brought + compute, compute};
}

void replica_state::leave(caf::timespan finish) {
  // The results wake a scheduler thread.
  if (options.scheduler)
    leaving = options.scheduler->woken_at(finish);
  leaving = service_times.on_scheduler(finish, leaving);
  if (options.scheduler)
    options.scheduler->awake_until(finish + leaving);
}

void replica_state::stamp_compute(batch& work, caf::timespan compute) const {
  for (auto& req : work.requests)
    if (!req.trace.empty() && req.trace.back().stage == options.stage)
      req.trace.back().compute = compute;
}

void replica_state::stamp_start(batch& work) const {
  if (!last_finish || options.reports_to_frontend)
    return;
  for (auto& req : work.requests)
    if (!req.trace.empty() && req.trace.back().stage == options.stage)
      req.trace.back().dequeue = std::max(req.trace.back().dequeue,
                                          *last_finish);
}

void replica_state::finish(batch& work, caf::timespan now) const {
  stamp_finish(work, options.stage, now);
}

std::vector<failure_notice> replica_state::infer(batch& work,
                                                 caf::timespan now) const {
  std::vector<failure_notice> failures;
  std::vector<const payload*> inputs;
  inputs.reserve(work.requests.size());
  for (const auto& req : work.requests)
    inputs.push_back(&req.input);
  classified_batch classified;
  try {
    // A padded batch runs padded in real time too, so that the profile's
    // latency at the padded size (what virtual time charges) is what a
    // real forward takes.
    classified = classifier->classify(inputs, charged_size(work));
  } catch (const std::exception& err) {
    // The model itself failed: every request of the batch fails with it.
    failures.push_back(failure_notice{options.stage,
                                      make_error(errc::model_error, err.what()),
                                      now, std::move(work.requests)});
    work.requests.clear();
    return failures;
  }
  std::vector<request> served;
  served.reserve(work.requests.size());
  std::vector<output> branch(classified.outputs.size());
  for (size_t i = 0; i < work.requests.size(); ++i) {
    auto& req = work.requests[i];
    if (!classified.invalid[i].empty()) {
      failures.push_back(failure_notice{
        options.stage, make_error(errc::invalid_payload, classified.invalid[i]),
        now, {std::move(req)}});
      continue;
    }
    for (size_t m = 0; m < branch.size(); ++m)
      branch[m] = std::move(classified.outputs[m][i]);
    req.result = troupe::combine(branch, combine_how);
    served.push_back(std::move(req));
  }
  work.requests = std::move(served);
  return failures;
}

template <class Self>
void replica_state::forward(Self* self, batch&& work) const {
  forward_by_route(self, options.successors, options.stage, std::move(work),
                   leaving);
}

template <class Self>
void replica_state::hand_back(Self* self, batch&& rest) const {
  if (options.reports_to_frontend)
    self->send(frontend, served_batch{options.index, batch_id,
                                      std::move(rest)});
  else
    send_after(self, frontend, replica_idle{options.index}, leaving);
}

replica_actor::behavior_type replica(replica_pointer self,
                                     replica_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  st.start_draws();
  if (!st.options.inference.empty()) {
    // Loading takes a moment; the runner waits for ready_atom, answered
    // after this. A model that cannot be loaded ends the actor, and the
    // runner reports the death with its reason.
    const auto& spec = st.options.inference.front();
    // On the replica's own thread (it is detached): the forward passes, and
    // LibTorch's threads started from here, keep to the replicas' cores.
    pin_this_thread(spec.cores);
    try {
      std::shared_ptr<const image_set> data;
      if (!spec.data_dir.empty())
        data = shared_fashion_mnist(spec.data_dir, data_split::test);
      st.classifier = std::make_shared<const batch_classifier>(
        spec.model_files, spec.input_shape, std::move(data), spec.threads,
        spec.classes);
      if (spec.warm_up_batch > 0)
        st.classifier->warm_up(spec.warm_up_batch);
    } catch (const std::exception& err) {
      // The behaviour below is never used: the actor ends after its
      // initialisation.
      self->quit(make_error(errc::model_error, err.what()));
    }
    st.combine_how = parse_combine_kind(spec.combine)
                       .value_or(combine_kind::mean);
  }
  // A replica on a node ends with its coordinator: when the connection
  // ends, the proxies of the coordinator's actors (the sink among them) go
  // down here, and nobody would send this replica work again.
  if (st.options.reports_to_frontend && st.options.sink) {
    self->monitor(st.options.sink);
    self->set_down_handler([self](caf::down_msg& down) {
      if (down.source == self->state.options.sink.address())
        self->quit(down.reason);
    });
  }
  auto now = [self] { return self->state.since_epoch(self->clock().now()); };
  // Forwards a served batch, then tells the frontend: with few scheduler
  // threads, the successors' message is then not queued behind the
  // frontend's next dispatch (about 5 us less per request), and the refill
  // waits only for that one send.
  auto complete = [self, now](batch& work) {
    auto& st = self->state;
    st.last_finish = now();
    if (st.options.reports_to_frontend) {
      // The frontend stamps the finish: its clock is the run's.
      st.hand_back(self, std::move(work));
      return;
    }
    st.finish(work, st.last_finish.value());
    st.forward(self, std::move(work));
    st.hand_back(self, {});
  };
  // Serves one batch: computes it (real time: the forward is the service
  // time) or holds it for its service time. `queued`: it was sent ahead and
  // waited here, so no hand-off brings it.
  auto start = [self, now, complete](batch& work, bool queued) {
    auto& st = self->state;
    st.batch_id = work.requests.empty() || work.requests.front().trace.empty()
                    ? 0
                    : work.requests.front().trace.back().batch_id;
    st.stamp_start(work);
    st.leaving = st.options.handoff.median;
    auto idle = st.idle_before(now());
    if (st.classifier) {
      auto started = self->clock().now();
      for (auto& notice : st.infer(work, now()))
        self->send(st.options.sink, std::move(notice));
      if (work.requests.empty()) {
        st.hand_back(self, {});
        return;
      }
      if (st.options.inference.front().measured) {
        // The forward took real time already.
        st.stamp_compute(work, self->clock().now() - started);
        complete(work);
        return;
      }
    }
    st.service_times.at(now());
    auto duration = st.service_time(work, idle);
    if (!duration) {
      self->send(st.options.sink,
                 failure_notice{st.options.stage, duration.error(), now(),
                                std::move(work.requests)});
      st.hand_back(self, {});
      return;
    }
    auto [held, compute] = st.hold(now(), queued, *duration);
    held += 2 * st.options.network_hop;
    if (held.count() == 0) {
      st.leave(now());
      complete(work);
      return;
    }
    st.stamp_compute(work, compute);
    st.holding = true;
    self->delayed_send(self, held, atoms::finished_atom_v, std::move(work));
  };
  return run_member_behavior(
    self, nothing_to_start,
    [self, start](atoms::serve_atom, batch& work) {
      auto& st = self->state;
      ++st.events;
      st.frontend = caf::actor_cast<frontend_actor>(self->current_sender());
      // Sent ahead while one is held: it starts when that one is done.
      if (st.holding) {
        st.waiting.push_back(std::move(work));
        return;
      }
      start(work, false);
    },
    [self, now, complete, start](atoms::finished_atom, batch& work) {
      auto& st = self->state;
      ++st.events;
      st.holding = false;
      st.leave(now());
      complete(work);
      if (!st.waiting.empty()) {
        auto next = std::move(st.waiting.front());
        st.waiting.pop_front();
        start(next, true);
      }
    });
}

} // namespace troupe
