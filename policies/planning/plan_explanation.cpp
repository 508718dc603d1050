#include "policies/planning/plan_explanation.hpp"

#include <fmt/format.h>

#include "policies/planning/latency_bounds.hpp"

namespace troupe {

std::string to_string(binding_constraint x) {
  switch (x) {
    case binding_constraint::throughput:
      return "throughput";
    case binding_constraint::latency:
      return "latency";
    default:
      return "none";
  }
}

namespace {

/// What the plan with stage `i` changed to `choice` breaks.
cheaper_change judge(const planning_problem& pb, latency_oracle& oracle,
                     pipeline_plan plan, size_t i, const stage_choice& choice,
                     std::string change) {
  cheaper_change result;
  result.change = std::move(change);
  plan[i] = choice;
  result.cost = plan_cost(pb, plan);
  auto capacity = best_capacity_qps(pb.stages[i], choice, pb.random_service);
  if (capacity < pb.mean_rate_qps) {
    result.breaks = binding_constraint::throughput;
    result.why = fmt::format("serves {:.1f} q/s, below the mean rate of "
                             "{:.1f} q/s",
                             capacity, pb.mean_rate_qps);
    return result;
  }
  auto path = shortest_service_path(pb, plan);
  if (path.ms > pb.slo_ms) {
    result.breaks = binding_constraint::latency;
    result.why = fmt::format("the shortest service times alone along {} add "
                             "up to {:.1f} ms, above the SLO of {} ms",
                             path_text(pb, path.stages), path.ms, pb.slo_ms);
    return result;
  }
  auto p99 = oracle.p99_ms(plan);
  if (p99 > pb.slo_ms) {
    result.breaks = binding_constraint::latency;
    result.why = p99 == infeasible_latency
                   ? fmt::format("more than 1% of the requests end later "
                                 "than the SLO of {} ms",
                                 pb.slo_ms)
                   : fmt::format("simulated P99 {:.1f} ms, above the SLO of "
                                 "{} ms",
                                 p99, pb.slo_ms);
    return result;
  }
  result.why = fmt::format("still meets the SLO (simulated P99 {:.1f} ms): a "
                           "saving",
                           p99);
  return result;
}

} // namespace

std::vector<stage_explanation> explain_plan(const planning_problem& pb,
                                            latency_oracle& oracle,
                                            const pipeline_plan& plan) {
  std::vector<stage_explanation> result;
  for (size_t i = 0; i < pb.stages.size(); ++i) {
    const auto& stage = pb.stages[i];
    if (!stage.planned())
      continue;
    stage_explanation x;
    x.stage = i;
    // The capacity at the profile's mean service times: random draws have
    // the same mean (the search's bound treats them as arbitrarily fast,
    // which would say 0% here).
    x.load = pb.mean_rate_qps / best_capacity_qps(stage, plan[i], false);
    if (plan[i].replicas > 1) {
      auto fewer = plan[i];
      --fewer.replicas;
      x.cheaper.push_back(judge(pb, oracle, plan, i, fewer,
                                fmt::format("x{} instead of x{}",
                                            fewer.replicas,
                                            plan[i].replicas)));
    }
    for (auto at = cheaper_hardware(stage, plan[i]); at != nullptr;) {
      auto moved = on_hardware(plan[i], *at);
      x.cheaper.push_back(judge(pb, oracle, plan, i, moved,
                                fmt::format("{} instead of {} (batch {})",
                                            at->hardware, plan[i].hardware,
                                            moved.max_batch)));
      at = cheaper_hardware(stage, moved);
    }
    if (!x.cheaper.empty())
      x.binds = x.cheaper.front().breaks;
    result.push_back(std::move(x));
  }
  return result;
}

} // namespace troupe
