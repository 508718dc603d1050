#include "policies/planning/plan.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include <fmt/format.h>

#include "models/durations.hpp"

namespace troupe {

double service_ms(const profile& p, uint32_t batch) {
  return to_ms(p.service_time(batch));
}

namespace {

/// Index of the choice's profile in the stage's list.
std::optional<size_t> hardware_index(const planning_stage& stage,
                                     const stage_choice& choice) {
  for (size_t i = 0; i < stage.hardware.size(); ++i)
    if (stage.hardware[i]->hardware == choice.hardware)
      return i;
  return std::nullopt;
}

} // namespace

std::vector<std::vector<size_t>> consumers_of(const planning_problem& pb) {
  std::vector<std::vector<size_t>> result(pb.stages.size());
  for (size_t i = 0; i < pb.stages.size(); ++i)
    for (auto in : pb.stages[i].inputs)
      result[in].push_back(i);
  return result;
}

const profile* profile_of(const planning_stage& stage,
                          const stage_choice& choice) {
  auto i = hardware_index(stage, choice);
  return i ? stage.hardware[*i].get() : nullptr;
}

double plan_cost(const planning_problem& problem, const pipeline_plan& plan) {
  double sum = 0;
  for (size_t i = 0; i < problem.stages.size(); ++i)
    if (auto p = profile_of(problem.stages[i], plan[i]))
      sum += p->cost * plan[i].replicas;
  return sum;
}

double capacity_qps(const planning_problem& problem, const pipeline_plan& plan,
                    size_t stage) {
  auto p = profile_of(problem.stages[stage], plan[stage]);
  if (p == nullptr)
    return std::numeric_limits<double>::infinity();
  return plan[stage].replicas * p->throughput_qps(plan[stage].max_batch);
}

pipeline_plan smallest_plan(const planning_problem& problem,
                            hardware_end end) {
  pipeline_plan plan(problem.stages.size());
  for (size_t i = 0; i < problem.stages.size(); ++i) {
    const auto& hw = problem.stages[i].hardware;
    if (!hw.empty())
      plan[i] = stage_choice{
        (end == hardware_end::best ? hw.front() : hw.back())->hardware, 1, 1};
  }
  return plan;
}

std::string service_time_excess(const planning_problem& problem,
                                const pipeline_plan& plan,
                                const std::string& context) {
  auto path = longest_service_path(problem, plan);
  if (path.ms <= problem.slo_ms)
    return {};
  return fmt::format("infeasible: the service time alone along {} is {:.1f} ms "
                     "{}, above the SLO of {} ms",
                     path_text(problem, path.stages), path.ms, context,
                     problem.slo_ms);
}

std::optional<size_t> bottleneck(const planning_problem& problem,
                                 const pipeline_plan& plan) {
  std::optional<size_t> result;
  for (size_t i = 0; i < problem.stages.size(); ++i) {
    if (!problem.stages[i].planned())
      continue;
    if (!result
        || capacity_qps(problem, plan, i) < capacity_qps(problem, plan, *result))
      result = i;
  }
  return result;
}

std::vector<std::vector<size_t>> source_to_leaf_paths(
  const planning_problem& problem) {
  auto consumers = consumers_of(problem);
  std::vector<std::vector<size_t>> result;
  std::vector<size_t> path;
  std::function<void(size_t)> walk = [&](size_t at) {
    path.push_back(at);
    if (consumers[at].empty())
      result.push_back(path);
    for (auto next : consumers[at])
      walk(next);
    path.pop_back();
  };
  for (size_t i = 0; i < problem.stages.size(); ++i)
    if (problem.stages[i].inputs.empty())
      walk(i);
  return result;
}

std::string path_text(const planning_problem& problem,
                      const std::vector<size_t>& path) {
  std::string result;
  for (auto i : path) {
    if (!result.empty())
      result += " -> ";
    result += problem.stages[i].name;
  }
  return result;
}

service_path heaviest_path(const planning_problem& problem,
                           const std::function<double(size_t)>& ms_of) {
  service_path result;
  for (auto& path : source_to_leaf_paths(problem)) {
    double ms = 0;
    for (auto i : path)
      ms += ms_of(i);
    if (result.stages.empty() || ms > result.ms)
      result = service_path{ms, path};
  }
  return result;
}

service_path longest_service_path(const planning_problem& problem,
                                  const pipeline_plan& plan) {
  return heaviest_path(problem, [&](size_t i) {
    auto p = profile_of(problem.stages[i], plan[i]);
    return p ? service_ms(*p, plan[i].max_batch) : 0.0;
  });
}

bool meets_throughput_bound(const planning_problem& problem,
                            const pipeline_plan& plan) {
  for (size_t i = 0; i < problem.stages.size(); ++i)
    if (capacity_qps(problem, plan, i) < problem.mean_rate_qps)
      return false;
  return true;
}

std::string describe(const planning_problem& problem,
                     const pipeline_plan& plan) {
  std::string result;
  for (size_t i = 0; i < problem.stages.size(); ++i) {
    if (!problem.stages[i].planned())
      continue;
    if (!result.empty())
      result += ", ";
    result += fmt::format("{} {} b{} x{}", problem.stages[i].name,
                          plan[i].hardware, plan[i].max_batch,
                          plan[i].replicas);
  }
  return result;
}

std::optional<uint32_t> next_batch(const planning_stage& stage,
                                   const stage_choice& choice) {
  auto p = profile_of(stage, choice);
  if (p == nullptr)
    return std::nullopt;
  for (const auto& row : p->rows)
    if (row.batch_size > choice.max_batch)
      return row.batch_size;
  return std::nullopt;
}

stage_choice on_hardware(const stage_choice& choice, const profile& target) {
  stage_choice result = choice;
  result.hardware = target.hardware;
  result.max_batch = target.rows.front().batch_size;
  for (const auto& row : target.rows)
    if (row.batch_size <= choice.max_batch)
      result.max_batch = row.batch_size;
  return result;
}

const profile* cheaper_hardware(const planning_stage& stage,
                                const stage_choice& choice) {
  auto i = hardware_index(stage, choice);
  if (!i || *i + 1 >= stage.hardware.size())
    return nullptr;
  return stage.hardware[*i + 1].get();
}

const profile* dearer_hardware(const planning_stage& stage,
                               const stage_choice& choice) {
  auto i = hardware_index(stage, choice);
  if (!i || *i == 0)
    return nullptr;
  return stage.hardware[*i - 1].get();
}

} // namespace troupe
