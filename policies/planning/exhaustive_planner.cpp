#include "policies/planning/exhaustive_planner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace troupe {

namespace {

struct option {
  stage_choice choice;
  double cost = 0;
};

struct candidate {
  pipeline_plan plan;
  double cost = 0;
};

double service_ms(const profile& p, uint32_t batch) {
  return std::chrono::duration<double, std::milli>(p.service_time(batch))
    .count();
}

/// A stage's choices that pass the per-stage bounds, by increasing cost.
std::vector<option> stage_options(const planning_problem& pb, size_t i) {
  const auto& stage = pb.stages[i];
  std::vector<option> result;
  if (!stage.planned()) {
    result.push_back(option{});
    return result;
  }
  for (const auto& p : stage.hardware) {
    for (const auto& row : p->rows) {
      if (service_ms(*p, row.batch_size) > pb.slo_ms)
        continue;
      auto needed = std::ceil(pb.mean_rate_qps / row.throughput_qps);
      auto first = static_cast<uint32_t>(std::max(1.0, needed));
      for (uint32_t r = first; r <= pb.max_replicas; ++r)
        result.push_back(
          option{stage_choice{p->hardware, row.batch_size, r}, r * p->cost});
    }
  }
  std::stable_sort(result.begin(), result.end(),
                   [](const option& x, const option& y) {
                     return x.cost < y.cost;
                   });
  return result;
}

/// Stages such that every stage comes after its inputs.
std::vector<size_t> topological_order(const planning_problem& pb) {
  std::vector<size_t> order;
  std::vector<bool> placed(pb.stages.size(), false);
  while (order.size() < pb.stages.size()) {
    for (size_t i = 0; i < pb.stages.size(); ++i) {
      if (placed[i])
        continue;
      bool ready = std::all_of(pb.stages[i].inputs.begin(),
                               pb.stages[i].inputs.end(),
                               [&](size_t in) { return placed[in]; });
      if (ready) {
        placed[i] = true;
        order.push_back(i);
      }
    }
  }
  return order;
}

/// prefixes[i]: the chain prefixes that end at stage i.
std::vector<std::vector<std::vector<size_t>>>
chain_prefixes(const planning_problem& pb) {
  std::vector<std::vector<size_t>> consumers(pb.stages.size());
  for (size_t i = 0; i < pb.stages.size(); ++i)
    for (auto in : pb.stages[i].inputs)
      consumers[in].push_back(i);
  std::vector<std::vector<std::vector<size_t>>> result(pb.stages.size());
  for (size_t root = 0; root < pb.stages.size(); ++root) {
    if (!pb.stages[root].inputs.empty())
      continue;
    std::vector<size_t> chain{root};
    for (;;) {
      auto at = chain.back();
      if (pb.stages[at].planned())
        result[at].push_back(chain);
      if (consumers[at].size() != 1
          || pb.stages[consumers[at].front()].inputs.size() != 1)
        break;
      chain.push_back(consumers[at].front());
    }
  }
  return result;
}

class search {
public:
  search(const planning_problem& pb, latency_oracle& oracle)
    : pb_(pb),
      oracle_(oracle),
      order_(topological_order(pb)),
      prefixes_(chain_prefixes(pb)),
      plan_(pb.stages.size()) {
    for (size_t i = 0; i < pb.stages.size(); ++i)
      options_.push_back(stage_options(pb, i));
    // cheapest_rest_[k]: the least cost of the stages from order_[k] on.
    cheapest_rest_.assign(order_.size() + 1, 0);
    for (size_t k = order_.size(); k-- > 0;) {
      const auto& opts = options_[order_[k]];
      cheapest_rest_[k] = cheapest_rest_[k + 1]
                          + (opts.empty() ? 0 : opts.front().cost);
    }
  }

  planning_result run() {
    planning_result result;
    for (size_t i = 0; i < pb_.stages.size(); ++i) {
      if (options_[i].empty()) {
        result.explanation = fmt::format(
          "infeasible: stage {} has no batch size whose service time fits the "
          "SLO of {} ms with at most {} replicas serving {:.1f} q/s",
          pb_.stages[i].name, pb_.slo_ms, pb_.max_replicas, pb_.mean_rate_qps);
        return result;
      }
    }
    double most = 0;
    for (const auto& opts : options_)
      most += opts.back().cost;
    double low = -1;
    double high = cheapest_rest_[0];
    for (;;) {
      candidates_.clear();
      band_low_ = low;
      band_high_ = high;
      visit(0, 0);
      std::stable_sort(candidates_.begin(), candidates_.end(),
                       [](const candidate& x, const candidate& y) {
                         return x.cost < y.cost;
                       });
      for (auto& c : candidates_) {
        ++evaluated_;
        double p99 = oracle_.p99_ms(c.plan);
        if (p99 <= pb_.slo_ms) {
          result.plan = std::move(c.plan);
          result.p99_ms = p99;
          result.steps.push_back(fmt::format(
            "{} full plans simulated after chain-prefix pruning",
            evaluated_));
          return result;
        }
      }
      if (high >= most)
        break;
      low = high;
      high = std::max(high + 1, high * 1.25);
    }
    result.explanation = fmt::format(
      "infeasible: no plan with at most {} replicas per stage meets the SLO of "
      "{} ms ({} full plans simulated)",
      pb_.max_replicas, pb_.slo_ms, evaluated_);
    return result;
  }

private:
  /// Assigns order_[k] and on; collects complete plans with cost in the band.
  void visit(size_t k, double cost) {
    if (k == order_.size()) {
      if (cost > band_low_ && longest_service_path(pb_, plan_).ms <= pb_.slo_ms)
        candidates_.push_back(candidate{plan_, cost});
      return;
    }
    auto stage = order_[k];
    for (const auto& opt : options_[stage]) {
      if (cost + opt.cost + cheapest_rest_[k + 1] > band_high_)
        break;
      plan_[stage] = opt.choice;
      if (prefixes_fit(stage))
        visit(k + 1, cost + opt.cost);
    }
    plan_[stage] = stage_choice{};
  }

  /// Whether every chain prefix ending at `stage` meets the SLO alone.
  bool prefixes_fit(size_t stage) {
    for (const auto& prefix : prefixes_[stage]) {
      std::vector<stage_choice> key;
      for (auto i : prefix)
        key.push_back(plan_[i]);
      auto& memo = prefix_p99_[prefix];
      auto found = memo.find(key);
      double p99 = 0;
      if (found != memo.end()) {
        p99 = found->second;
      } else {
        p99 = oracle_.p99_ms(plan_, prefix);
        memo.emplace(std::move(key), p99);
      }
      if (p99 > pb_.slo_ms)
        return false;
    }
    return true;
  }

  const planning_problem& pb_;
  latency_oracle& oracle_;
  std::vector<size_t> order_;
  std::vector<std::vector<std::vector<size_t>>> prefixes_;
  std::vector<std::vector<option>> options_;
  std::vector<double> cheapest_rest_;
  pipeline_plan plan_;
  std::vector<candidate> candidates_;
  double band_low_ = 0;
  double band_high_ = 0;
  uint64_t evaluated_ = 0;
  std::map<std::vector<size_t>,
           std::map<std::vector<stage_choice>, double>>
    prefix_p99_;
};

} // namespace

planning_result plan_exhaustive(const planning_problem& problem,
                                latency_oracle& oracle) {
  return search{problem, oracle}.run();
}

} // namespace troupe
