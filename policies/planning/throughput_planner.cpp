#include "policies/planning/throughput_planner.hpp"

#include <fmt/format.h>

#include "policies/planning/network_calculus.hpp"

namespace troupe {

throughput_plan_result plan_throughput(const planning_problem& pb,
                                       double budget,
                                       const traffic_envelope& envelope) {
  throughput_plan_result out;
  auto& result = out.planning;
  auto plan = smallest_plan(pb, hardware_end::cheapest);
  if (plan_cost(pb, plan) > budget) {
    result.explanation = fmt::format(
      "infeasible: the cheapest pipeline (one replica per stage on its "
      "cheapest hardware) costs {}, above the budget of {}",
      plan_cost(pb, plan), budget);
    return out;
  }
  result.explanation = service_time_excess(
    pb, plan, "at batch size 1 on the cheapest hardware");
  if (!result.explanation.empty())
    return out;
  auto acceptable = [&](const pipeline_plan& p) {
    return plan_cost(pb, p) <= budget
           && longest_service_path(pb, p).ms <= pb.slo_ms;
  };
  while (auto slowest = bottleneck(pb, plan)) {
    auto i = *slowest;
    const auto& stage = pb.stages[i];
    std::vector<std::pair<pipeline_plan, std::string>> steps;
    if (auto b = next_batch(stage, plan[i])) {
      auto next = plan;
      next[i].max_batch = *b;
      steps.emplace_back(next, fmt::format("batch size of {} to {}",
                                           stage.name, *b));
    }
    if (plan[i].replicas < pb.max_replicas) {
      auto next = plan;
      ++next[i].replicas;
      steps.emplace_back(next, fmt::format("replica {} of {}",
                                           next[i].replicas, stage.name));
    }
    if (auto dearer = dearer_hardware(stage, plan[i])) {
      auto next = plan;
      next[i] = on_hardware(plan[i], *dearer);
      steps.emplace_back(next, fmt::format("{} to {}", stage.name,
                                           dearer->hardware));
    }
    bool moved = false;
    for (auto& [next, text] : steps) {
      if (!acceptable(next))
        continue;
      plan = std::move(next);
      result.steps.push_back(fmt::format(
        "{} (throughput {:.1f} q/s, cost {})", text,
        capacity_qps(pb, plan, *bottleneck(pb, plan)), plan_cost(pb, plan)));
      moved = true;
      break;
    }
    if (!moved)
      break;
  }
  auto slowest = bottleneck(pb, plan);
  out.throughput_qps = slowest ? capacity_qps(pb, plan, *slowest)
                               : infeasible_latency;
  auto bound = network_calculus_bound(pb, plan, envelope);
  out.bound_ms = bound.ms;
  if (bound.ms > pb.slo_ms) {
    result.explanation = fmt::format(
      "the most throughput within the budget is {:.1f} q/s, but the "
      "network-calculus bound along {} is {} ms under the workload "
      "(mean {:.1f} q/s), above the SLO of {} ms",
      out.throughput_qps, path_text(pb, bound.path),
      bound.ms == infeasible_latency ? std::string{"unbounded"}
                                     : fmt::format("{:.1f}", bound.ms),
      pb.mean_rate_qps, pb.slo_ms);
  }
  result.plan = std::move(plan);
  return out;
}

} // namespace troupe
