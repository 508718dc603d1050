#include "policies/planning/exhaustive_planner.hpp"

#include <algorithm>
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

/// The chains of a pipeline: each root stage followed by the single-input
/// stages that are their predecessor's only consumer. Chains are disjoint
/// and closed under inputs, so each runs alone exactly as in the pipeline.
std::vector<std::vector<size_t>> chains_of(const planning_problem& pb) {
  auto consumers = consumers_of(pb);
  std::vector<std::vector<size_t>> result;
  for (size_t root = 0; root < pb.stages.size(); ++root) {
    if (!pb.stages[root].inputs.empty())
      continue;
    std::vector<size_t> chain{root};
    while (consumers[chain.back()].size() == 1
           && pb.stages[consumers[chain.back()].front()].inputs.size() == 1)
      chain.push_back(consumers[chain.back()].front());
    result.push_back(std::move(chain));
  }
  return result;
}

/// A cost-ordered search over the stages of `scope` (closed under inputs),
/// judged by the oracle on that scope. Each chain's cheapest feasible cost,
/// found by a search of its own, is a lower bound for the chain inside a
/// larger scope: bands start there and every partial plan is cut as soon as
/// its cost plus the bounds of the unassigned stages exceeds the band.
class search {
public:
  search(const planning_problem& pb, latency_oracle& oracle,
         std::vector<size_t> scope, bool whole,
         std::map<std::vector<size_t>, std::map<std::vector<stage_choice>,
                                                double>>& prefix_memo)
    : pb_(pb),
      oracle_(oracle),
      scope_(std::move(scope)),
      whole_(whole),
      plan_(pb.stages.size()),
      prefix_p99_(prefix_memo) {
    for (size_t i = 0; i < pb.stages.size(); ++i)
      options_.push_back(stage_options(pb, i));
    // Assignment order: chain by chain (roots first), then the remaining
    // stages of the scope in topological order.
    std::vector<bool> in_scope(pb.stages.size(), false);
    for (auto i : scope_)
      in_scope[i] = true;
    std::vector<bool> placed(pb.stages.size(), false);
    for (const auto& chain : chains_of(pb)) {
      if (!in_scope[chain.front()])
        continue;
      std::vector<size_t> kept;
      for (auto i : chain)
        if (in_scope[i])
          kept.push_back(i);
      chains_.push_back(kept);
      for (size_t j = 0; j < kept.size(); ++j) {
        order_.push_back(kept[j]);
        placed[kept[j]] = true;
        prefix_end_[kept[j]] =
          std::vector<size_t>(kept.begin(), kept.begin() + j + 1);
      }
    }
    for (auto i : pb.topological_order)
      if (in_scope[i] && !placed[i])
        order_.push_back(i);
  }

  /// Fills `result`; returns the cheapest feasible cost, if any.
  std::optional<double> run(planning_result& result) {
    for (auto i : scope_) {
      if (options_[i].empty()) {
        result.explanation = fmt::format(
          "infeasible: stage {} has no batch size whose service time fits the "
          "SLO of {} ms with at most {} replicas serving {:.1f} q/s",
          pb_.stages[i].name, pb_.slo_ms, pb_.max_replicas, pb_.mean_rate_qps);
        return std::nullopt;
      }
    }
    if (!bound_chains(result))
      return std::nullopt;
    double most = 0;
    for (auto i : scope_)
      most += options_[i].back().cost;
    double low = -1;
    double high = rest_bound_[0];
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
        double p99 = whole_ ? oracle_.p99_ms(c.plan)
                            : oracle_.p99_ms(c.plan, scope_);
        if (p99 <= pb_.slo_ms) {
          result.plan = std::move(c.plan);
          result.p99_ms = p99;
          return c.cost;
        }
      }
      if (high >= most)
        break;
      low = high;
      high = std::max(high + 1, high * 1.25);
    }
    result.explanation = fmt::format(
      "infeasible: no plan of {} with at most {} replicas per stage meets the "
      "SLO of {} ms",
      whole_ ? std::string{"the pipeline"}
             : "the chain " + path_text(pb_, scope_),
      pb_.max_replicas, pb_.slo_ms);
    return std::nullopt;
  }

  uint64_t evaluated() const {
    return evaluated_;
  }

private:
  /// rest_bound_[k]: a lower bound on the cost of order_[k] and on: the
  /// cheapest feasible cost of each chain that starts at or after k (a
  /// search of its own when the scope holds more than that chain), else the
  /// cheapest option per stage.
  bool bound_chains(planning_result& result) {
    std::map<size_t, double> chain_floor; // chain start position -> cost
    std::map<size_t, size_t> chain_length;
    size_t position = 0;
    for (const auto& chain : chains_) {
      if (chain.size() < scope_.size()) {
        search inner{pb_, oracle_, chain, false, prefix_p99_};
        planning_result ignored;
        auto floor = inner.run(ignored);
        if (!floor) {
          result.explanation = ignored.explanation;
          return false;
        }
        chain_floor[position] = *floor;
        chain_length[position] = chain.size();
      }
      position += chain.size();
    }
    rest_bound_.assign(order_.size() + 1, 0);
    for (size_t k = order_.size(); k-- > 0;) {
      rest_bound_[k] = rest_bound_[k + 1] + options_[order_[k]].front().cost;
      auto floor = chain_floor.find(k);
      if (floor != chain_floor.end())
        rest_bound_[k] = std::max(rest_bound_[k],
                                  floor->second
                                    + rest_bound_[k + chain_length[k]]);
    }
    return true;
  }

  /// Assigns order_[k] and on; collects complete plans with cost in the band.
  void visit(size_t k, double cost) {
    if (k == order_.size()) {
      if (cost > band_low_ && longest_service_path(pb_, plan_).ms <= pb_.slo_ms)
        candidates_.push_back(candidate{plan_, cost});
      return;
    }
    auto stage = order_[k];
    for (const auto& opt : options_[stage]) {
      if (cost + opt.cost + rest_bound_[k + 1] > band_high_)
        break;
      plan_[stage] = opt.choice;
      if (prefix_fits(stage))
        visit(k + 1, cost + opt.cost);
    }
    plan_[stage] = stage_choice{};
  }

  /// Whether the chain prefix ending at `stage` (if any) meets the SLO alone.
  bool prefix_fits(size_t stage) {
    auto found = prefix_end_.find(stage);
    if (found == prefix_end_.end() || !pb_.stages[stage].planned())
      return true;
    const auto& prefix = found->second;
    std::vector<stage_choice> key;
    for (auto i : prefix)
      key.push_back(plan_[i]);
    auto& memo = prefix_p99_[prefix];
    auto hit = memo.find(key);
    double p99 = 0;
    if (hit != memo.end()) {
      p99 = hit->second;
    } else {
      p99 = oracle_.p99_ms(plan_, prefix);
      memo.emplace(std::move(key), p99);
    }
    return p99 <= pb_.slo_ms;
  }

  const planning_problem& pb_;
  latency_oracle& oracle_;
  std::vector<size_t> scope_;
  bool whole_;
  std::vector<std::vector<size_t>> chains_;
  std::vector<size_t> order_;
  std::map<size_t, std::vector<size_t>> prefix_end_;
  std::vector<std::vector<option>> options_;
  std::vector<double> rest_bound_;
  pipeline_plan plan_;
  std::vector<candidate> candidates_;
  double band_low_ = 0;
  double band_high_ = 0;
  uint64_t evaluated_ = 0;
  std::map<std::vector<size_t>, std::map<std::vector<stage_choice>, double>>&
    prefix_p99_;
};

} // namespace

planning_result plan_exhaustive(const planning_problem& problem,
                                latency_oracle& oracle) {
  std::vector<size_t> all(problem.stages.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  std::map<std::vector<size_t>, std::map<std::vector<stage_choice>, double>>
    prefix_memo;
  search whole{problem, oracle, all, true, prefix_memo};
  planning_result result;
  if (whole.run(result))
    result.steps.push_back(fmt::format(
      "{} full plans simulated after pruning by chain", whole.evaluated()));
  return result;
}

} // namespace troupe
