#include "policies/scaling/scaling_policy.hpp"

#include <algorithm>

#include "models/durations.hpp"
#include "policies/scaling/envelope_tuner.hpp"
#include "policies/scaling/rate_predictor.hpp"
#include "policies/scaling/seed_rule.hpp"

namespace troupe {

uint64_t arrivals_between(const arrival_times& arrivals, caf::timespan from,
                          caf::timespan to) {
  auto first = std::lower_bound(arrivals.begin(), arrivals.end(), from);
  auto last = std::lower_bound(first, arrivals.end(), to);
  return static_cast<uint64_t>(last - first);
}

namespace {

/// Seed 004's rule. The batch size applies at once, so it follows the rate
/// measured now; workers serve only after the cold start, so they follow
/// the prediction, but never below what arrives now (the regression after a
/// burst can predict zero while the load is still there).
class seed_policy : public scaling_policy {
public:
  explicit seed_policy(const scaling_spec& spec)
    : spec_(spec), predictor_(spec.history) {
    // nop
  }

  scaling_decision decide(const scaling_snapshot& x) override {
    const auto& service = *x.service;
    auto now_s = to_seconds(x.now);
    if (x.period_s > 0)
      predictor_.add(now_s, x.measured_qps);
    scaling_decision result;
    result.predicted_qps = std::max(
      predictor_.predict(now_s + to_seconds(spec_.cold_start)), x.upstream_qps);
    seed_rule_options rule;
    rule.overhead_ms = to_ms(spec_.overhead);
    rule.margin = spec_.margin;
    rule.headroom = spec_.headroom;
    auto batch = largest_timely_batch(service, x.measured_qps, x.stage_slo_ms,
                                      rule.overhead_ms);
    auto ahead = seed_rule(service,
                           std::max(result.predicted_qps, x.measured_qps),
                           x.stage_slo_ms, rule);
    auto now = workers_for(service, rule.headroom * x.measured_qps, batch)
               + rule.margin;
    result.order = scale_order{std::max(ahead.workers, now), batch};
    return result;
  }

private:
  scaling_spec spec_;
  rate_predictor predictor_;
};

/// InferLine's tuner at the scenario's batch size.
class tuner_policy : public scaling_policy {
public:
  explicit tuner_policy(const scaling_spec& spec) : spec_(spec) {
    // nop
  }

  scaling_decision decide(const scaling_snapshot& x) override {
    const auto& service = *x.service;
    tuner_inputs in;
    in.buckets = x.buckets;
    in.bucket_s = x.bucket_s;
    in.shortest_s = to_seconds(service.service_time(x.planned_batch));
    in.longest_s = to_seconds(spec_.envelope);
    in.slack_s = std::max(0.0, x.stage_slo_ms / 1000.0 - in.shortest_s);
    in.per_worker_qps = service.throughput_qps(x.planned_batch);
    return {scale_order{tuner_workers(in), x.planned_batch}, x.measured_qps};
  }

private:
  scaling_spec spec_;
};

/// Hindsight: workers ordered now serve after the cold start, so it runs
/// the most that any interval up to then needs, at the batch size of the
/// interval starting now. It plans for the true rate.
class oracle_policy : public scaling_policy {
public:
  explicit oracle_policy(const scaling_spec& spec) : spec_(spec) {
    // nop
  }

  scaling_decision decide(const scaling_snapshot& x) override {
    const auto& service = *x.service;
    const auto& arrivals = *x.arrivals;
    auto interval = spec_.interval;
    auto rate_from = [&](caf::timespan from) {
      return double(arrivals_between(arrivals, from, from + interval))
             / to_seconds(interval);
    };
    auto need = [&](double rate, uint32_t batch) {
      return workers_for(service, spec_.headroom * rate, batch);
    };
    scaling_decision result;
    result.predicted_qps = rate_from(x.now);
    auto& order = result.order;
    order.max_batch = largest_timely_batch(service, result.predicted_qps,
                                           x.stage_slo_ms, to_ms(spec_.overhead));
    order.workers = need(result.predicted_qps, order.max_batch);
    auto horizon = x.now + spec_.cold_start;
    for (auto from = x.now + interval; from <= horizon; from += interval) {
      auto rate = rate_from(from);
      auto batch = largest_timely_batch(service, rate, x.stage_slo_ms,
                                        to_ms(spec_.overhead));
      order.workers = std::max(order.workers, need(rate, batch));
    }
    order.workers = std::max(1u, order.workers);
    return result;
  }

private:
  scaling_spec spec_;
};

} // namespace

std::unique_ptr<scaling_policy> make_scaling_policy(const scaling_spec& spec) {
  switch (spec.policy) {
    case scaling_kind::seed:
      return std::make_unique<seed_policy>(spec);
    case scaling_kind::tuner:
      return std::make_unique<tuner_policy>(spec);
    case scaling_kind::oracle:
      return std::make_unique<oracle_policy>(spec);
    case scaling_kind::none:
      break;
  }
  return nullptr;
}

} // namespace troupe
