#include "runtime/planning.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "actors/core_pinning.hpp"
#include "models/durations.hpp"
#include "runtime/direct_chain.hpp"
#include "runtime/runner.hpp"

namespace troupe {

planning_problem planning_problem_for(const scenario& sc,
                                      const arrival_times& sample,
                                      double slo_ms, uint32_t max_replicas) {
  planning_problem pb;
  pb.slo_ms = slo_ms;
  pb.max_replicas = max_replicas;
  pb.random_service = sc.service_time != service_time_kind::mean;
  pb.topological_order.assign(sc.topological_order.begin(),
                              sc.topological_order.end());
  if (sample.size() > 1) {
    double span_s = to_seconds(sample.back() - sample.front());
    pb.mean_rate_qps = span_s > 0 ? double(sample.size() - 1) / span_s : 0;
  }
  for (const auto& spec : sc.stages) {
    // A controller may route a request past stages (and decides batches
    // itself): the planners' bounds count on every request visiting every
    // stage under its batching policy.
    if (!spec.controller.empty())
      throw std::invalid_argument(
        "scenario '" + sc.name + "': stage '" + spec.name
        + "' has a controller ('" + spec.controller
        + "'); troupe plan provisions pipelines whose stages batch by their "
          "policies and serve every request");
    if (spec.batching == batching_kind::fill
        || spec.batching == batching_kind::aimd)
      pb.chains_run_alone = false;
    planning_stage stage;
    stage.name = spec.name;
    for (auto id : spec.input_ids)
      if (id != source_stage)
        stage.inputs.push_back(id);
    if (spec.service) {
      stage.hardware = hardware_options(sc, spec);
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
    for (const auto& option : hardware_options(sc, spec))
      if (option->hardware == spec.hardware)
        spec.service = option;
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
  arrivals_ms_.reserve(sample_->size());
  for (auto t : *sample_)
    arrivals_ms_.push_back(to_ms(t));
}

double simulated_latency::p99_ms(const pipeline_plan& plan) {
  return p99_ms(plan, all_stages_);
}

namespace {

/// Only the kept stages' choices matter for the answer.
std::pair<std::vector<size_t>, pipeline_plan>
key_of(const pipeline_plan& plan, const std::vector<size_t>& stages) {
  pipeline_plan kept(plan.size());
  for (auto i : stages)
    kept[i] = plan[i];
  return {stages, std::move(kept)};
}

} // namespace

double simulated_latency::p99_ms(const pipeline_plan& plan,
                                 const std::vector<size_t>& stages) {
  auto k = key_of(plan, stages);
  auto known = memo_.find(k);
  if (known != memo_.end())
    return known->second;
  simulate(plan, stages, k);
  return memo_.at(k);
}

std::shared_ptr<const std::vector<double>>
simulated_latency::latencies_ms(const pipeline_plan& plan,
                                const std::vector<size_t>& stages) {
  auto k = key_of(plan, stages);
  auto known = memo_.find(k);
  if (known != memo_.end() && known->second == infeasible_latency)
    return nullptr;
  auto kept = latencies_.find(k);
  if (kept != latencies_.end())
    return kept->second;
  return simulate(plan, stages, k);
}

scenario simulated_latency::planned(const pipeline_plan& plan,
                                    const std::vector<size_t>& stages) const {
  auto sc = with_plan(base_, plan);
  if (stages.size() != base_.stages.size())
    sc = sub_scenario(sc, stages);
  return sc;
}

size_t simulated_latency::late_allowed() const {
  // Nearest rank: P99 = the value at rank ceil(0.99 n); it exceeds the SLO
  // once more than n - ceil(0.99 n) requests are late.
  auto n = sample_->size();
  return n - static_cast<size_t>(std::ceil(0.99 * double(n)));
}

std::shared_ptr<const std::vector<double>>
simulated_latency::simulate(const pipeline_plan& plan,
                            const std::vector<size_t>& stages, const key& k) {
  auto sc = planned(plan, stages);
  // A chain of model stages: the graph's own latencies without actors.
  if (runs_as_direct_chain(sc))
    return remember(k, direct_chain_latencies(sc, *sample_, late_allowed()));
  auto n = sample_->size();
  run_options opts;
  opts.arrivals = sample_;
  opts.stop_after_late = late_allowed();
  auto run = run_scenario(sc, opts);
  if (run.stopped_early || run.outcomes.records.size() < n)
    return remember(k, std::nullopt);
  std::vector<double> latencies(n, infeasible_latency);
  for (const auto& rec : run.outcomes.records)
    if (rec.kind == outcome_kind::completed && rec.req.id < n)
      latencies[rec.req.id] = to_ms(rec.finish - rec.req.arrival);
  return remember(k, std::move(latencies));
}

std::shared_ptr<const std::vector<double>>
simulated_latency::remember(const key& k,
                            std::optional<std::vector<double>> run) {
  ++simulations_;
  auto n = sample_->size();
  auto rank = n - late_allowed();
  std::shared_ptr<const std::vector<double>> latencies;
  if (run)
    latencies = std::make_shared<const std::vector<double>>(std::move(*run));
  double p99 = infeasible_latency;
  if (latencies && rank > 0) {
    auto sorted = *latencies;
    std::nth_element(sorted.begin(), sorted.begin() + (rank - 1),
                     sorted.end());
    p99 = sorted[rank - 1];
  }
  memo_[k] = p99;
  if (latencies) {
    latencies_.emplace(k, latencies);
    latency_order_.push_back(k);
    latency_values_ += n;
    while (latency_values_ > latency_budget_ && latency_order_.size() > 1) {
      latencies_.erase(latency_order_.front());
      latency_order_.pop_front();
      latency_values_ -= n;
    }
  }
  if (after_simulation)
    after_simulation(simulations_);
  return latencies;
}

void simulated_latency::prefetch(const std::vector<pipeline_plan>& plans,
                                 const std::vector<size_t>& stages) {
  struct job {
    key k;
    scenario sc;
    std::optional<std::vector<double>> latencies;
  };
  std::vector<job> jobs;
  for (const auto& plan : plans) {
    auto k = key_of(plan, stages);
    if (memo_.count(k) != 0)
      continue;
    auto sc = planned(plan, stages);
    if (runs_as_direct_chain(sc))
      jobs.push_back(job{std::move(k), std::move(sc), std::nullopt});
  }
  if (jobs.empty())
    return;
  // Direct chains share nothing: one thread per core takes the next job.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < jobs.size();)
      jobs[i].latencies = direct_chain_latencies(jobs[i].sc, *sample_,
                                                 late_allowed());
  };
  auto cores = usable_cores();
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < cores && t < jobs.size(); ++t)
    helpers.emplace_back(work);
  work();
  for (auto& t : helpers)
    t.join();
  for (auto& j : jobs)
    if (memo_.count(j.k) == 0)
      remember(j.k, std::move(j.latencies));
}

} // namespace troupe
