#include "policies/planning/greedy_planner.hpp"

#include <fmt/format.h>

namespace troupe {

namespace {

struct candidate {
  pipeline_plan plan;
  std::string move;
};

/// The three moves of MinimizeCost on every planned stage.
std::vector<candidate> cost_moves(const planning_problem& pb,
                                  const pipeline_plan& plan) {
  std::vector<candidate> result;
  for (size_t i = 0; i < pb.stages.size(); ++i) {
    const auto& stage = pb.stages[i];
    if (!stage.planned())
      continue;
    if (auto b = next_batch(stage, plan[i])) {
      auto next = plan;
      next[i].max_batch = *b;
      result.push_back({next, fmt::format("increase the batch size of {} to {}",
                                          stage.name, *b)});
    }
    if (plan[i].replicas > 1) {
      auto next = plan;
      --next[i].replicas;
      result.push_back({next, fmt::format("remove a replica of {} ({} left)",
                                          stage.name, next[i].replicas)});
    }
    if (auto cheaper = cheaper_hardware(stage, plan[i])) {
      auto next = plan;
      next[i] = on_hardware(plan[i], *cheaper);
      result.push_back({next, fmt::format("move {} to {} (batch {})",
                                          stage.name, cheaper->hardware,
                                          next[i].max_batch)});
    }
  }
  return result;
}

/// MinimizeCost from a feasible plan: apply the cheapest feasible move
/// (then the lowest P99) until none is feasible.
void minimize_cost(const planning_problem& pb, latency_oracle& oracle,
                   pipeline_plan& plan, double& p99,
                   std::vector<std::string>& steps) {
  for (;;) {
    std::optional<candidate> best;
    double best_cost = 0;
    double best_p99 = 0;
    for (auto& c : cost_moves(pb, plan)) {
      if (longest_service_path(pb, c.plan).ms > pb.slo_ms
          || !meets_throughput_bound(pb, c.plan))
        continue;
      double c_p99 = oracle.p99_ms(c.plan);
      if (c_p99 > pb.slo_ms)
        continue;
      double c_cost = plan_cost(pb, c.plan);
      if (!best || c_cost < best_cost
          || (c_cost == best_cost && c_p99 < best_p99)) {
        best_cost = c_cost;
        best_p99 = c_p99;
        best = std::move(c);
      }
    }
    if (!best)
      return;
    plan = std::move(best->plan);
    p99 = best_p99;
    steps.push_back(fmt::format("{} (cost {}, P99 {:.1f} ms)", best->move,
                                best_cost, best_p99));
  }
}

/// MinimizeCost only walks downhill: once a stage moved to cheaper hardware
/// and made up for it with replicas, it never tries fewer replicas on
/// dearer hardware. This phase tries each stage one step up the hardware
/// list, descends from there, and keeps the result when it is cheaper;
/// until no step up pays.
void escape_by_dearer_hardware(const planning_problem& pb,
                               latency_oracle& oracle, pipeline_plan& plan,
                               double& p99, std::vector<std::string>& steps) {
  for (bool improved = true; improved;) {
    improved = false;
    for (size_t i = 0; i < pb.stages.size() && !improved; ++i) {
      const auto& stage = pb.stages[i];
      if (!stage.planned())
        continue;
      auto dearer = dearer_hardware(stage, plan[i]);
      if (!dearer)
        continue;
      auto start = plan;
      start[i] = on_hardware(plan[i], *dearer);
      if (longest_service_path(pb, start).ms > pb.slo_ms
          || !meets_throughput_bound(pb, start))
        continue;
      auto start_p99 = oracle.p99_ms(start);
      if (start_p99 > pb.slo_ms)
        continue;
      std::vector<std::string> tried{fmt::format(
        "escape: move {} up to {} (batch {}; cost {}, P99 {:.1f} ms)",
        stage.name, dearer->hardware, start[i].max_batch,
        plan_cost(pb, start), start_p99)};
      minimize_cost(pb, oracle, start, start_p99, tried);
      if (plan_cost(pb, start) < plan_cost(pb, plan)) {
        plan = std::move(start);
        p99 = start_p99;
        steps.insert(steps.end(), tried.begin(), tried.end());
        improved = true;
      }
    }
  }
}

} // namespace

planning_result plan_greedy(const planning_problem& pb,
                            latency_oracle& oracle,
                            const greedy_options& options) {
  planning_result result;
  auto plan = smallest_plan(pb, hardware_end::best);
  result.explanation = service_time_excess(
    pb, plan, "at batch size 1 on the best hardware");
  if (!result.explanation.empty())
    return result;
  // Initialize: replicas to the lowest-throughput stage until feasible. Below
  // the throughput bound the P99 cannot meet the SLO: add without simulating.
  double p99 = infeasible_latency;
  for (;;) {
    if (meets_throughput_bound(pb, plan)) {
      p99 = oracle.p99_ms(plan);
      if (p99 <= pb.slo_ms)
        break;
    }
    auto slowest = bottleneck(pb, plan);
    if (!slowest) {
      result.explanation = fmt::format(
        "infeasible: the pipeline has no model stage to provision, and its "
        "P99 is {:.1f} ms",
        p99);
      return result;
    }
    if (plan[*slowest].replicas >= pb.max_replicas) {
      const auto& name = pb.stages[*slowest].name;
      if (p99 == infeasible_latency && !meets_throughput_bound(pb, plan))
        result.explanation = fmt::format(
          "no plan found: InferLine's Initialize adds replicas at batch size "
          "1, and at the bound of {} replicas {} serves {:.1f} q/s on its "
          "best hardware, below the workload's mean rate of {:.1f} q/s. A "
          "plan with larger batches may exist: --method optimal searches "
          "every one, and --max-replicas raises the bound",
          pb.max_replicas, name, capacity_qps(pb, plan, *slowest),
          pb.mean_rate_qps);
      else
        result.explanation = fmt::format(
          "no plan found: InferLine's Initialize reached the bound of {} "
          "replicas on {} (the slowest stage) with a simulated P99 {}above "
          "the SLO of {} ms. A plan with other batch sizes or hardware may "
          "exist: --method optimal searches every one",
          pb.max_replicas, name,
          p99 == infeasible_latency ? std::string{}
                                    : fmt::format("of {:.1f} ms, ", p99),
          pb.slo_ms);
      return result;
    }
    ++plan[*slowest].replicas;
  }
  result.steps.push_back(fmt::format("initialize: {} (cost {}, P99 {:.1f} ms)",
                                     describe(pb, plan), plan_cost(pb, plan),
                                     p99));
  minimize_cost(pb, oracle, plan, p99, result.steps);
  if (options.escape)
    escape_by_dearer_hardware(pb, oracle, plan, p99, result.steps);
  result.plan = std::move(plan);
  result.p99_ms = p99;
  return result;
}

} // namespace troupe
