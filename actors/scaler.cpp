#include "actors/scaler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "models/durations.hpp"

namespace troupe {

void scaler_state::init(scaler_options opts) {
  options = std::move(opts);
  views.clear();
  for (const auto& s : options.stages) {
    stage_view v;
    if (s.frontend && !s.service.empty())
      v.policy = make_scaling_policy(options.spec);
    views.push_back(std::move(v));
  }
}

size_t scaler_state::scaled_stages() const {
  return static_cast<size_t>(
    std::count_if(options.stages.begin(), options.stages.end(),
                  [](const scaled_stage& s) { return bool{s.frontend}; }));
}

void scaler_state::take(stage_load load) {
  for (size_t i = 0; i < options.stages.size(); ++i)
    if (options.stages[i].stage == load.stage) {
      views[i].last = std::move(load);
      return;
    }
}

double scaler_state::absorb(stage_view& v, caf::timespan now) const {
  const auto& load = v.last;
  auto period_s = to_seconds(now - load.since);
  auto arrived = std::accumulate(load.arrivals.begin(), load.arrivals.end(),
                                 uint64_t{0});
  if (load.bucket.count() > 0) {
    // Trailing empty buckets were left out: put them back.
    v.bucket_s = to_seconds(load.bucket);
    // A period that has not begun (a load asked for before time zero) has
    // no buckets, not 2^64 of them.
    auto expected = period_s > 0 ? static_cast<size_t>(
                      std::llround(period_s / v.bucket_s))
                                 : size_t{0};
    for (size_t b = 0; b < std::max(expected, load.arrivals.size()); ++b)
      v.buckets.push_back(b < load.arrivals.size() ? load.arrivals[b] : 0);
    auto keep = static_cast<size_t>(
      std::ceil(to_seconds(options.spec.envelope) / v.bucket_s));
    while (v.buckets.size() > keep)
      v.buckets.pop_front();
  }
  return period_s > 0 ? double(arrived) / period_s : 0.0;
}

std::vector<std::optional<scale_order>>
scaler_state::decide(caf::timespan now) {
  std::vector<std::optional<scale_order>> orders(options.stages.size());
  auto predicted_of = [&](stage_id id) {
    for (size_t j = 0; j < options.stages.size(); ++j)
      if (options.stages[j].stage == id)
        return views[j].predicted_qps;
    return 0.0;
  };
  for (size_t i = 0; i < options.stages.size(); ++i) {
    const auto& s = options.stages[i];
    auto& v = views[i];
    // Cascade: what the inputs expect to send on.
    double upstream = 0;
    for (auto input : s.inputs)
      if (input != source_stage)
        upstream = std::max(upstream, predicted_of(input));
    if (!v.policy) { // not sized here: it only passes predictions on
      v.predicted_qps = upstream;
      continue;
    }
    scaling_snapshot x;
    x.now = now;
    x.period_s = to_seconds(now - v.last.since);
    x.measured_qps = absorb(v, now);
    x.upstream_qps = upstream;
    x.buckets = &v.buckets;
    x.bucket_s = v.bucket_s;
    x.service = &s.service;
    x.stage_slo_ms = s.stage_slo_ms;
    x.planned_batch = s.planned_batch;
    x.arrivals = &options.arrivals;
    auto decision = v.policy->decide(x);
    v.predicted_qps = decision.predicted_qps;
    const auto& order = decision.order;
    orders[i] = order;
    const auto& load = v.last;
    scaling_sample sample;
    sample.when = now;
    sample.stage = s.stage;
    sample.measured_qps = x.measured_qps;
    sample.predicted_qps = v.predicted_qps;
    sample.active = load.active;
    sample.booting = load.booting;
    sample.target = order.workers;
    sample.max_batch = order.max_batch;
    sample.queue_length = load.queue_length;
    sample.cost = load.cost;
    sample.drops = load.drops;
    history.samples.push_back(sample);
  }
  return orders;
}

void scaler_state::complete() {
  finished_rounds = true;
  for (auto& promise : waiting)
    promise.deliver(history);
  waiting.clear();
}

bool scaler_state::finished(caf::timespan now) const {
  if (options.arrivals.empty())
    return true;
  // A guard, should a request never end (a bug): an hour after the last
  // arrival the scaler stops, so that a virtual-time run still ends and the
  // runtime reports the lost requests.
  return all_ended || now > options.arrivals.back() + std::chrono::hours(1);
}

caf::timespan scaler_state::round_time() const {
  return static_cast<caf::timespan::rep>(round)
         * options.spec.interval;
}

namespace {

void run_round(scaler_pointer self);

/// The next round at its fixed point; at once when it is due already (the
/// oracle's round 0 asks for loads before the first request is sent).
void schedule_round(scaler_pointer self) {
  auto& st = self->state;
  auto delay = st.round_time() - st.since_epoch(self->clock().now());
  if (delay.count() > 0)
    self->delayed_send(self, delay, atoms::scale_tick_atom_v);
  else
    run_round(self);
}

/// Asks every scaled frontend for its load; once all answered, decides and
/// orders. Once every request ended, one last round records the final costs;
/// it orders nothing and schedules no further round.
void run_round(scaler_pointer self) {
  auto& st = self->state;
  if (st.scaled_stages() == 0) {
    st.complete(); // nothing to scale: an empty history
    return;
  }
  bool last = st.finished(st.since_epoch(self->clock().now()));
  st.pending = st.scaled_stages();
  for (const auto& s : st.options.stages) {
    if (!s.frontend)
      continue;
    self->request(s.frontend, caf::infinite, atoms::load_atom_v)
      .then([self, last](stage_load load) {
        auto& st = self->state;
        st.take(std::move(load));
        if (--st.pending > 0)
          return;
        auto orders = st.decide(st.since_epoch(self->clock().now()));
        if (last) {
          st.complete();
          return;
        }
        for (size_t i = 0; i < orders.size(); ++i)
          if (orders[i])
            self->send(st.options.stages[i].frontend, *orders[i]);
        ++st.round;
        schedule_round(self);
      });
  }
}

} // namespace

scaler_actor::behavior_type scaler(scaler_pointer self,
                                   scaler_options options) {
  self->state.init(std::move(options));
  auto started = [self] {
    auto& st = self->state;
    self->request(st.options.sink, caf::infinite, atoms::ended_atom_v)
      .then([self](uint64_t) { self->state.all_ended = true; });
    // The oracle sizes the first interval too; the others measure it first.
    st.round = st.options.spec.policy == scaling_kind::oracle ? 0 : 1;
    schedule_round(self);
  };
  return run_member_behavior(
    self, started,
    [self](atoms::scale_tick_atom) {
      ++self->state.events;
      run_round(self);
    },
    [self](atoms::history_atom) -> caf::result<scaling_history> {
      ++self->state.events;
      auto promise = self->make_response_promise<scaling_history>();
      self->state.waiting.push_back(promise);
      if (self->state.finished_rounds)
        self->state.complete();
      return promise;
    });
}

} // namespace troupe
