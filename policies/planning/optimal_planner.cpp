#include "policies/planning/optimal_planner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "policies/planning/latency_bounds.hpp"

namespace troupe {

namespace {

using wall_clock = std::chrono::steady_clock;

struct option {
  stage_choice choice;
  double cost = 0;
};

struct candidate {
  pipeline_plan plan;
  double cost = 0;
};

/// What is known of a chain prefix: nothing yet, only that the latency
/// bounds allow it (it still has to run), or whether it meets the SLO.
enum class verdict { unknown, bounds_allow, fits, misses };

/// What the searches share: the problem's bounds, the verdicts on chain
/// prefixes, the clock.
struct search_context {
  search_context(const planning_problem& problem, latency_oracle& oracle_in,
                 const optimal_options& options)
    : pb(problem), oracle(oracle_in), limits(options) {
    if (options.time_limit_s > 0)
      deadline = wall_clock::now()
                 + std::chrono::duration_cast<wall_clock::duration>(
                   std::chrono::duration<double>(options.time_limit_s));
    allowance = late_allowance(oracle.arrivals_ms().size());
    // The least time a request spends after each stage: the longest path
    // to a leaf of the stages' shortest service times.
    tail_ms.assign(pb.stages.size(), 0);
    auto consumers = consumers_of(pb);
    for (auto k = pb.topological_order.size(); k-- > 0;) {
      auto i = pb.topological_order[k];
      for (auto c : consumers[i])
        tail_ms[i] = std::max(tail_ms[i], min_service_ms(pb.stages[c],
                                                         pb.random_service)
                                            + tail_ms[c]);
    }
  }

  /// A time or simulation limit was set.
  bool limited() const {
    return deadline.has_value() || limits.simulation_limit > 0;
  }

  bool out_of_time() {
    if (!cut && deadline && wall_clock::now() > *deadline)
      cut = true;
    if (!cut && limits.simulation_limit > 0
        && oracle.simulations() >= limits.simulation_limit)
      cut = true;
    return cut;
  }

  /// How many of `latencies` (ms, per request) plus `after` exceed the SLO
  /// is more than a P99 within it allows.
  bool too_late(const std::vector<double>& latencies, double after) const {
    size_t late = 0;
    for (double ms : latencies)
      if (!(ms + after <= pb.slo_ms) && ++late > allowance)
        return true;
    return false;
  }

  const planning_problem& pb;
  latency_oracle& oracle;
  optimal_options limits;
  std::optional<wall_clock::time_point> deadline;
  bool cut = false;
  size_t allowance = 0;
  std::vector<double> tail_ms;
  /// Verdicts on chain prefixes: prefix -> its stages' choices -> verdict.
  std::map<std::vector<size_t>, std::map<std::vector<stage_choice>, verdict>>
    prefix_verdicts;
  uint64_t refuted_by_bounds = 0;
};

/// A stage's choices that pass the per-stage bounds, by increasing cost.
std::vector<option> stage_options(const search_context& cx, size_t i) {
  const auto& pb = cx.pb;
  const auto& stage = pb.stages[i];
  std::vector<option> result;
  if (!stage.planned()) {
    result.push_back(option{});
    return result;
  }
  for (const auto& p : stage.hardware) {
    for (const auto& row : p->rows) {
      auto speed = speed_of(stage, stage_choice{p->hardware, row.batch_size, 1},
                            pb.random_service);
      if (speed.min_service_ms + cx.tail_ms[i] > pb.slo_ms)
        continue;
      // The throughput bound: replicas x the best throughput at a batch
      // size the stage may form, against the sample's mean rate.
      auto one = stage_choice{p->hardware, row.batch_size, 1};
      auto needed = std::ceil(pb.mean_rate_qps
                              / best_capacity_qps(stage, one,
                                                  pb.random_service));
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

/// How a search ended.
struct search_outcome {
  enum { found, none, cut } how = none;
  /// found: the cheapest cost; cut: the lower bound proved so far.
  double cost = 0;
  std::optional<pipeline_plan> plan;
  double p99_ms = infeasible_latency;
  std::string why_none;
};

/// A cost-ordered search over the stages of `scope` (closed under inputs).
/// The whole pipeline's search judges a plan by its simulated P99; a
/// chain's search (scope = one chain) by the chain's own latencies plus
/// the least time after it, which makes its cheapest cost a lower bound for
/// the chain inside the pipeline: bands start there, and every partial plan
/// is cut as soon as its cost plus the bounds of the unassigned stages
/// exceeds the band.
class search {
public:
  search(search_context& cx, std::vector<size_t> scope, bool whole)
    : cx_(cx), pb_(cx.pb), scope_(std::move(scope)), whole_(whole),
      plan_(pb_.stages.size()) {
    for (size_t i = 0; i < pb_.stages.size(); ++i)
      options_.push_back(stage_options(cx_, i));
    // Assignment order: chain by chain (roots first), then the remaining
    // stages of the scope in topological order.
    std::vector<bool> in_scope(pb_.stages.size(), false);
    for (auto i : scope_)
      in_scope[i] = true;
    std::vector<bool> placed(pb_.stages.size(), false);
    auto chains = pb_.chains_run_alone ? chains_of(pb_)
                                       : std::vector<std::vector<size_t>>{};
    for (const auto& chain : chains) {
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
    for (auto i : pb_.topological_order)
      if (in_scope[i] && !placed[i])
        order_.push_back(i);
  }

  search_outcome run() {
    search_outcome out;
    for (auto i : scope_) {
      if (options_[i].empty()) {
        out.why_none = fmt::format(
          "infeasible: stage {} has no batch size whose shortest service time "
          "fits the SLO of {} ms, or whose throughput serves {:.1f} q/s with "
          "at most {} replicas",
          pb_.stages[i].name, pb_.slo_ms, pb_.mean_rate_qps, pb_.max_replicas);
        return out;
      }
    }
    if (whole_) {
      find_first_plan();
      if (cx_.limited())
        shrink_first_plan();
    }
    if (auto stopped = bound_chains())
      return *stopped;
    if (whole_)
      find_upper_bound();
    double most = 0;
    for (auto i : scope_) {
      most += options_[i].back().cost;
      // Bands one replica of the cheapest hardware wide: a wider band runs
      // the prefixes of plans dearer than the optimum it holds.
      for (const auto& p : pb_.stages[i].hardware)
        if (p->cost > 0)
          band_width_ = std::min(band_width_, p->cost);
    }
    if (!std::isfinite(band_width_))
      band_width_ = 1;
    if (upper_)
      first_upper_ = upper_->cost;
    double low = -1;
    double high = rest_bound_[0];
    for (;;) {
      if (upper_ && low >= upper_->cost)
        break;
      candidates_.clear();
      band_low_ = low;
      band_high_ = upper_ ? std::min(high, upper_->cost) : high;
      visit(0, 0);
      if (cx_.cut)
        return cut_at(low);
      std::stable_sort(candidates_.begin(), candidates_.end(),
                       [](const candidate& x, const candidate& y) {
                         return x.cost < y.cost;
                       });
      for (auto& c : candidates_) {
        if (upper_ && c.cost >= upper_->cost)
          break;
        if (cx_.out_of_time())
          return cut_at(std::max(low, c.cost));
        ++evaluated_;
        double p99 = 0;
        if (fits(c.plan, p99)) {
          out.how = search_outcome::found;
          out.cost = c.cost;
          out.plan = std::move(c.plan);
          out.p99_ms = p99;
          return out;
        }
      }
      if (high >= most)
        break;
      low = high;
      high += band_width_;
    }
    if (upper_) {
      out.how = search_outcome::found;
      out.cost = upper_->cost;
      out.plan = upper_->plan;
      out.p99_ms = upper_p99_;
      return out;
    }
    out.why_none = fmt::format(
      "infeasible: no plan of {} with at most {} replicas per stage meets the "
      "SLO of {} ms",
      whole_ ? std::string{"the pipeline"}
             : "the chain " + path_text(pb_, scope_),
      pb_.max_replicas, pb_.slo_ms);
    return out;
  }

  uint64_t evaluated() const {
    return evaluated_;
  }

  /// The chains' lower bound on the cost (before any band).
  double floor() const {
    return rest_bound_.empty() ? 0.0 : rest_bound_[0];
  }

  /// The upper bound the bands started from, if the heuristics found one.
  std::optional<double> first_upper() const {
    return first_upper_;
  }

private:
  /// The search stopped at its limit, with no plan that meets the SLO
  /// below `bound`: the best plan so far, and the lower bound.
  search_outcome cut_at(double bound) const {
    search_outcome out;
    out.how = search_outcome::cut;
    out.cost = std::max(rest_bound_.empty() ? 0.0 : rest_bound_[0], bound);
    if (upper_) {
      out.plan = upper_->plan;
      out.p99_ms = upper_p99_;
      out.cost = std::min(out.cost, upper_->cost);
    }
    return out;
  }

  /// rest_bound_[k]: a lower bound on the cost of order_[k] and on: the
  /// cheapest cost of each chain that starts at or after k (a search of its
  /// own when the scope holds more than that chain), else the cheapest
  /// option per stage. The chains' cheapest plans are kept for the upper
  /// bound. Returns the outcome when a chain has no plan or time ran out.
  std::optional<search_outcome> bound_chains() {
    std::map<size_t, double> chain_floor; // chain start position -> cost
    std::map<size_t, size_t> chain_length;
    size_t position = 0;
    bool stopped = false;
    for (const auto& chain : chains_) {
      if (chain.size() < scope_.size() && !stopped) {
        search inner{cx_, chain, false};
        auto found = inner.run();
        if (found.how == search_outcome::none)
          return found;
        if (found.how == search_outcome::cut) {
          stopped = true;
        } else {
          chain_plans_.push_back(*found.plan);
          if (whole_)
            improve_first_plan(chain, *found.plan);
        }
        chain_floor[position] = found.cost;
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
    if (stopped)
      return cut_at(-1);
    return std::nullopt;
  }

  /// Before the chains' searches, so that a search cut off early still has
  /// a plan: every stage at its largest capacity (the most replicas of the
  /// fastest choice), if that meets the SLO.
  void find_first_plan() {
    pipeline_plan plan(pb_.stages.size());
    for (auto i : scope_) {
      if (!pb_.stages[i].planned())
        continue;
      double best = -1;
      for (const auto& opt : options_[i]) {
        auto capacity = best_capacity_qps(pb_.stages[i], opt.choice,
                                          pb_.random_service);
        if (capacity > best) {
          best = capacity;
          plan[i] = opt.choice;
        }
      }
    }
    if (!cx_.out_of_time() && offer_if_fits(plan))
      first_plan_ = plan;
  }

  /// With a limit, a cheaper first plan before the chains' exact searches:
  /// per stage of each chain and per hardware, at the batch size of the best
  /// throughput, the fewest replicas that keep the chain within the SLO,
  /// found by bisection (as if fewer replicas never helped: a heuristic,
  /// and only the upper bound depends on it); the cheapest of those.
  void shrink_first_plan() {
    if (!first_plan_)
      return;
    auto plan = *first_plan_;
    for (const auto& chain : chains_) {
      for (auto i : chain) {
        if (!pb_.stages[i].planned())
          continue;
        auto best = plan[i];
        double best_cost = profile_of(pb_.stages[i], best)->cost
                           * best.replicas;
        for (const auto& opt : fastest_per_hardware(i)) {
          if (cx_.out_of_time())
            return;
          auto fits_with = [&](uint32_t replicas) {
            auto trial = plan;
            trial[i] = opt.choice;
            trial[i].replicas = replicas;
            return chain_fits(trial, chain);
          };
          uint32_t high = pb_.max_replicas;
          if (!fits_with(high))
            continue;
          uint32_t low = opt.choice.replicas; // the throughput bound
          while (low < high) {
            auto mid = low + (high - low) / 2;
            if (fits_with(mid))
              high = mid;
            else
              low = mid + 1;
          }
          auto cost = profile_of(pb_.stages[i], opt.choice)->cost * high;
          if (cost < best_cost) {
            best = opt.choice;
            best.replicas = high;
            best_cost = cost;
          }
        }
        plan[i] = best;
      }
    }
    if (offer_repaired(plan))
      first_plan_ = upper_->plan;
  }

  /// Per hardware of the stage, its option (at the fewest replicas the
  /// throughput bound allows) with the batch size of the best throughput.
  std::vector<option> fastest_per_hardware(size_t i) const {
    std::map<std::string, std::pair<double, option>> best;
    for (const auto& opt : options_[i]) {
      auto rate = speed_of(pb_.stages[i], opt.choice, pb_.random_service)
                    .max_rate_per_ms;
      auto found = best.find(opt.choice.hardware);
      if (found == best.end() || rate > found->second.first
          || (rate == found->second.first
              && opt.choice.replicas < found->second.second.choice.replicas))
        best[opt.choice.hardware] = {rate, opt};
    }
    std::vector<option> result;
    for (auto& [hardware, entry] : best)
      result.push_back(entry.second);
    return result;
  }

  /// Whether `plan`'s part on `chain` keeps the chain within the SLO.
  bool chain_fits(const pipeline_plan& plan, const std::vector<size_t>& chain) {
    auto saved = plan_;
    plan_ = plan;
    bool ok = prefix_fits(chain);
    plan_ = std::move(saved);
    return ok;
  }

  /// Once a chain's cheapest plan is known: the first plan with that chain
  /// in place of its own, a cheaper upper bound for a search cut off
  /// before the others.
  void improve_first_plan(const std::vector<size_t>& chain,
                          const pipeline_plan& cheapest) {
    if (!first_plan_ || cx_.out_of_time())
      return;
    auto plan = *first_plan_;
    for (auto i : chain)
      plan[i] = cheapest[i];
    if (offer_if_fits(plan))
      first_plan_ = plan;
  }

  /// Keeps `plan` as the upper bound when it meets the SLO and costs less
  /// than the one kept; returns whether it meets the SLO.
  bool offer_if_fits(const pipeline_plan& plan) {
    double p99 = 0;
    if (!fits(plan, p99))
      return false;
    auto cost = plan_cost(pb_, plan);
    if (!upper_ || cost < upper_->cost) {
      upper_ = candidate{plan, cost};
      upper_p99_ = p99;
    }
    return true;
  }

  /// An upper bound once the chains' searches are done: their cheapest
  /// plans side by side (the cheapest option elsewhere), repaired until the
  /// plan meets the SLO.
  void find_upper_bound() {
    if (chain_plans_.size() != chains_.size())
      return;
    pipeline_plan plan(pb_.stages.size());
    for (auto i : scope_)
      plan[i] = options_[i].front().choice;
    for (size_t c = 0; c < chains_.size(); ++c)
      for (auto i : chains_[c])
        plan[i] = chain_plans_[c][i];
    offer_repaired(std::move(plan));
  }

  /// Offers `plan` as an upper bound once it meets the SLO, adding one
  /// replica at a time to the least served stage until it does; returns
  /// whether it got there.
  bool offer_repaired(pipeline_plan plan) {
    auto limit = pb_.max_replicas * pb_.stages.size();
    for (size_t step = 0; step <= limit && !cx_.out_of_time(); ++step) {
      if (offer_if_fits(plan))
        return true;
      std::optional<size_t> grow;
      for (auto i : scope_) {
        if (!pb_.stages[i].planned() || plan[i].replicas >= pb_.max_replicas)
          continue;
        if (!grow
            || capacity_qps(pb_, plan, i) < capacity_qps(pb_, plan, *grow))
          grow = i;
      }
      if (!grow)
        return false;
      ++plan[*grow].replicas;
    }
    return false;
  }

  /// Assigns order_[k] and on; collects complete plans with cost in the band.
  void visit(size_t k, double cost) {
    if (cx_.out_of_time())
      return;
    if (k == order_.size()) {
      if (cost > band_low_ && shortest_path_fits())
        candidates_.push_back(candidate{plan_, cost});
      return;
    }
    auto stage = order_[k];
    auto prefix = prefix_end_.find(stage);
    bool checked = prefix != prefix_end_.end() && pb_.stages[stage].planned();
    if (checked)
      prefetch(k, cost, prefix->second);
    for (const auto& opt : options_[stage]) {
      if (beyond_band(k, cost, opt))
        break;
      plan_[stage] = opt.choice;
      if (!checked || prefix_fits(prefix->second))
        visit(k + 1, cost + opt.cost);
    }
    plan_[stage] = stage_choice{};
  }

  /// Options come by increasing cost: past this one, the band holds none.
  bool beyond_band(size_t k, double cost, const option& opt) const {
    return cost + opt.cost + rest_bound_[k + 1] > band_high_;
  }

  /// The prefix's stages' choices in plan_: what its verdict is kept by.
  std::vector<stage_choice> prefix_key(const std::vector<size_t>& prefix) const {
    std::vector<stage_choice> key;
    for (auto i : prefix)
      key.push_back(plan_[i]);
    return key;
  }

  /// Runs side by side the prefix runs that the loop over order_[k]'s
  /// options in this band will ask for.
  void prefetch(size_t k, double cost, const std::vector<size_t>& prefix) {
    auto stage = order_[k];
    std::vector<pipeline_plan> runs;
    for (const auto& opt : options_[stage]) {
      if (beyond_band(k, cost, opt))
        break;
      plan_[stage] = opt.choice;
      if (bound_verdict(prefix) == verdict::bounds_allow)
        runs.push_back(plan_);
    }
    plan_[stage] = stage_choice{};
    if (runs.size() > 1)
      cx_.oracle.prefetch(runs, prefix);
  }

  /// No path's shortest service times add up beyond the SLO.
  bool shortest_path_fits() const {
    return shortest_service_path(pb_, plan_).ms <= pb_.slo_ms;
  }

  /// Whether the chain prefix, as plan_ chooses it, leaves enough requests
  /// on time with the least time after it: first by the latency bounds on
  /// the shorter prefix's latencies (no simulation), then by its own run.
  bool prefix_fits(const std::vector<size_t>& prefix) {
    auto& v = cx_.prefix_verdicts[prefix][prefix_key(prefix)];
    if (v == verdict::unknown)
      bound_verdict(prefix);
    if (v == verdict::bounds_allow) {
      auto latencies = cx_.oracle.latencies_ms(plan_, prefix);
      v = latencies && !cx_.too_late(*latencies, cx_.tail_ms[prefix.back()])
            ? verdict::fits
            : verdict::misses;
    }
    return v == verdict::fits;
  }

  /// The prefix's verdict, after the latency bounds when it had none.
  verdict bound_verdict(const std::vector<size_t>& prefix) {
    auto& v = cx_.prefix_verdicts[prefix][prefix_key(prefix)];
    if (v != verdict::unknown)
      return v;
    if (prefix_bounds_allow(prefix)) {
      v = verdict::bounds_allow;
    } else {
      v = verdict::misses;
      ++cx_.refuted_by_bounds;
    }
    return v;
  }

  bool prefix_bounds_allow(const std::vector<size_t>& prefix) {
    auto last = prefix.back();
    if (!pb_.stages[last].planned())
      return true;
    const auto& arrivals = cx_.oracle.arrivals_ms();
    std::vector<double> arrive = arrivals;
    if (prefix.size() > 1) {
      std::vector<size_t> before(prefix.begin(), prefix.end() - 1);
      auto latencies = cx_.oracle.latencies_ms(plan_, before);
      if (!latencies)
        return false;
      for (size_t i = 0; i < arrive.size(); ++i)
        arrive[i] += (*latencies)[i];
    }
    std::vector<double> deadline(arrivals.size());
    for (size_t i = 0; i < arrivals.size(); ++i)
      deadline[i] = arrivals[i] + pb_.slo_ms - cx_.tail_ms[last];
    auto speed = speed_of(pb_.stages[last], plan_[last], pb_.random_service);
    return late_lower_bound(arrive, deadline, speed) <= cx_.allowance;
  }

  /// Whether a complete plan of the scope meets the SLO. A chain's plan:
  /// its prefixes all fit (checked on the way). The pipeline: first each
  /// request's latency is at least the largest over the chains of its
  /// latency through the chain plus the least time after it; then the
  /// plan's own simulation.
  bool fits(const pipeline_plan& plan, double& p99) {
    if (!whole_) {
      bool ok = chain_fits(plan, scope_);
      p99 = ok ? cx_.oracle.p99_ms(plan, scope_) : infeasible_latency;
      return ok;
    }
    std::vector<double> lower(cx_.oracle.arrivals_ms().size(), 0.0);
    for (const auto& chain : chains_) {
      auto latencies = cx_.oracle.latencies_ms(plan, chain);
      if (!latencies)
        return false;
      for (size_t i = 0; i < lower.size(); ++i)
        lower[i] = std::max(lower[i], (*latencies)[i]
                                        + cx_.tail_ms[chain.back()]);
    }
    if (cx_.too_late(lower, 0)) {
      ++cx_.refuted_by_bounds;
      return false;
    }
    p99 = cx_.oracle.p99_ms(plan);
    return p99 <= pb_.slo_ms;
  }

  search_context& cx_;
  const planning_problem& pb_;
  std::vector<size_t> scope_;
  bool whole_;
  std::vector<std::vector<size_t>> chains_;
  std::vector<pipeline_plan> chain_plans_;
  std::vector<size_t> order_;
  std::map<size_t, std::vector<size_t>> prefix_end_;
  std::vector<std::vector<option>> options_;
  std::vector<double> rest_bound_;
  pipeline_plan plan_;
  std::vector<candidate> candidates_;
  std::optional<candidate> upper_;
  std::optional<pipeline_plan> first_plan_;
  std::optional<double> first_upper_;
  double upper_p99_ = infeasible_latency;
  double band_low_ = 0;
  double band_high_ = 0;
  double band_width_ = std::numeric_limits<double>::infinity();
  uint64_t evaluated_ = 0;
};

std::string limit_text(const optimal_options& options) {
  if (options.time_limit_s > 0)
    return fmt::format("search cut off by the time limit of {} s",
                       options.time_limit_s);
  return fmt::format("search cut off by the limit of {} simulations",
                     options.simulation_limit);
}

} // namespace

planning_result plan_optimal(const planning_problem& problem,
                             latency_oracle& oracle,
                             const optimal_options& options) {
  auto start = wall_clock::now();
  std::vector<size_t> all(problem.stages.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  search_context cx{problem, oracle, options};
  search whole{cx, all, true};
  auto found = whole.run();
  planning_result result;
  result.plan = std::move(found.plan);
  result.p99_ms = found.p99_ms;
  double seconds = std::chrono::duration<double>(wall_clock::now() - start)
                     .count();
  switch (found.how) {
    case search_outcome::found:
      result.proven = true;
      result.lower_bound = found.cost;
      result.steps.push_back(fmt::format(
        "lower bound {} (each chain's own cheapest plan), upper bound "
        "{}; {} whole plans judged between them, {} chain prefixes refuted "
        "by latency bounds without a run",
        whole.floor(),
        whole.first_upper() ? fmt::format("{}", *whole.first_upper())
                            : std::string{"none"},
        whole.evaluated(), cx.refuted_by_bounds));
      break;
    case search_outcome::none:
      result.proven = true;
      result.explanation = found.why_none;
      break;
    case search_outcome::cut: {
      result.lower_bound = found.cost;
      if (result.plan) {
        auto cost = plan_cost(problem, *result.plan);
        result.explanation = fmt::format(
          "{} after {:.1f} s: the best plan found costs {}, and no plan "
          "costs less than {} (gap {:.1f}%)",
          limit_text(options), seconds, cost, found.cost,
          100.0 * (cost - found.cost) / cost);
      } else {
        result.explanation = fmt::format(
          "{} after {:.1f} s before any plan was found to meet the SLO; no "
          "plan costs less than {}",
          limit_text(options), seconds, found.cost);
      }
      break;
    }
  }
  return result;
}

} // namespace troupe
