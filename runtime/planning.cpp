#include "runtime/planning.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/durations.hpp"
#include "runtime/runner.hpp"

namespace troupe {

planning_problem planning_problem_for(const scenario& sc,
                                      const arrival_times& sample,
                                      double slo_ms, uint32_t max_replicas) {
  planning_problem pb;
  pb.slo_ms = slo_ms;
  pb.max_replicas = max_replicas;
  pb.topological_order.assign(sc.topological_order.begin(),
                              sc.topological_order.end());
  if (sample.size() > 1) {
    double span_s = to_seconds(sample.back() - sample.front());
    pb.mean_rate_qps = span_s > 0 ? double(sample.size() - 1) / span_s : 0;
  }
  for (const auto& spec : sc.stages) {
    planning_stage stage;
    stage.name = spec.name;
    for (auto id : spec.input_ids)
      if (id != source_stage)
        stage.inputs.push_back(id);
    if (spec.service) {
      for (const auto& m : sc.models)
        if (m.name == spec.model)
          stage.hardware = m.profiles;
      std::stable_sort(stage.hardware.begin(), stage.hardware.end(),
                       [](const auto& x, const auto& y) {
                         if (x->cost != y->cost)
                           return x->cost > y->cost;
                         return x->throughput_qps(1) > y->throughput_qps(1);
                       });
    }
    pb.stages.push_back(std::move(stage));
  }
  return pb;
}

pipeline_plan plan_of(const scenario& sc) {
  pipeline_plan plan;
  for (const auto& spec : sc.stages) {
    if (spec.service)
      plan.push_back(stage_choice{spec.hardware, spec.max_batch, spec.replicas});
    else
      plan.push_back(stage_choice{});
  }
  return plan;
}

scenario with_plan(scenario sc, const pipeline_plan& plan) {
  // A plan is a static provisioning: no scaler resizes it.
  sc.scaling.policy = scaling_kind::none;
  for (size_t i = 0; i < sc.stages.size(); ++i) {
    auto& spec = sc.stages[i];
    if (!spec.service || plan[i].hardware.empty())
      continue;
    spec.hardware = plan[i].hardware;
    spec.max_batch = plan[i].max_batch;
    spec.replicas = plan[i].replicas;
    for (const auto& m : sc.models)
      if (m.name == spec.model)
        spec.service = m.on(spec.hardware);
  }
  return sc;
}

scenario sub_scenario(const scenario& sc, const std::vector<size_t>& stages) {
  scenario result = sc;
  result.stages.clear();
  result.topological_order.clear();
  std::vector<stage_id> new_id(sc.stages.size(), source_stage);
  for (size_t i = 0; i < sc.stages.size(); ++i) {
    if (std::find(stages.begin(), stages.end(), i) == stages.end())
      continue;
    new_id[i] = static_cast<stage_id>(result.stages.size());
    result.stages.push_back(sc.stages[i]);
  }
  for (auto& spec : result.stages)
    for (auto& id : spec.input_ids)
      if (id != source_stage)
        id = new_id[id];
  for (auto id : sc.topological_order)
    if (new_id[id] != source_stage)
      result.topological_order.push_back(new_id[id]);
  return result;
}

simulated_latency::simulated_latency(scenario sc,
                                     std::shared_ptr<const arrival_times> sample)
  : base_(std::move(sc)), sample_(std::move(sample)) {
  all_stages_.resize(base_.stages.size());
  std::iota(all_stages_.begin(), all_stages_.end(), size_t{0});
}

double simulated_latency::p99_ms(const pipeline_plan& plan) {
  return p99_ms(plan, all_stages_);
}

double simulated_latency::p99_ms(const pipeline_plan& plan,
                                 const std::vector<size_t>& stages) {
  // Only the kept stages' choices matter for the answer.
  pipeline_plan key(plan.size());
  for (auto i : stages)
    key[i] = plan[i];
  auto [it, fresh] = memo_.try_emplace({stages, key}, 0.0);
  if (!fresh)
    return it->second;
  auto sc = with_plan(base_, plan);
  if (stages.size() != base_.stages.size())
    sc = sub_scenario(sc, stages);
  it->second = simulate(sc);
  if (after_simulation)
    after_simulation(simulations_);
  return it->second;
}

double simulated_latency::simulate(const scenario& sc) {
  ++simulations_;
  auto n = sample_->size();
  // Nearest rank: P99 = the value at rank ceil(0.99 n); it exceeds the SLO
  // once more than n - ceil(0.99 n) requests are late.
  auto rank = static_cast<size_t>(std::ceil(0.99 * double(n)));
  run_options opts;
  opts.arrivals = sample_;
  opts.stop_after_late = n - rank;
  auto run = run_scenario(sc, opts);
  if (run.stopped_early)
    return infeasible_latency;
  std::vector<double> latencies;
  latencies.reserve(n);
  for (const auto& rec : run.outcomes.records)
    latencies.push_back(
      rec.kind == outcome_kind::completed
        ? to_ms(rec.finish - rec.req.arrival)
        : infeasible_latency);
  if (latencies.size() < n || rank == 0)
    return infeasible_latency;
  std::nth_element(latencies.begin(), latencies.begin() + (rank - 1),
                   latencies.end());
  return latencies[rank - 1];
}

} // namespace troupe
