// Planner quality (InferLine, seed 002): InferLine's greedy planner (as
// published, and with troupe's escape phase) against the exhaustive optimum on the
// seed-002 pipeline, for SLOs of 150, 200, 300 and 500 ms and gamma
// workloads at 100 q/s with CV parameter 0.1, 1 and 4. Reports each plan's
// cost, greedy / optimum, and the planning times.

#include <chrono>

#include <fmt/format.h>

#include "bench/bench.hpp"
#include "policies/planning/exhaustive_planner.hpp"
#include "policies/planning/greedy_planner.hpp"
#include "runtime/planning.hpp"

namespace troupe::bench {

namespace {

struct timed_plan {
  planning_result result;
  double seconds = 0;
  uint64_t simulations = 0;
};

template <class Planner>
timed_plan timed(Planner planner, const planning_problem& pb,
                 const scenario& sc,
                 std::shared_ptr<const arrival_times> sample) {
  simulated_latency oracle{sc, std::move(sample)};
  auto start = std::chrono::steady_clock::now();
  timed_plan out;
  out.result = planner(pb, oracle);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                              - start)
                  .count();
  out.simulations = oracle.simulations();
  return out;
}

std::string cost_text(const planning_problem& pb, const timed_plan& p) {
  return p.result.plan ? fmt::format("{}", plan_cost(pb, *p.result.plan))
                       : std::string{"infeasible"};
}

} // namespace

int planner_quality(const std::string& scenario_file, uint64_t count) {
  auto base = load_scenario(scenario_file);
  fmt::print("| SLO ms | CV | published cost | greedy cost | optimal cost | "
             "published / optimal | greedy / optimal | greedy s | exhaustive "
             "s | greedy simulations | exhaustive simulations | greedy plan "
             "|\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  double worst = 0;
  double worst_published = 0;
  auto published = [](const planning_problem& pb, latency_oracle& oracle) {
    return plan_greedy(pb, oracle, greedy_options{false});
  };
  auto greedy_with_escape = [](const planning_problem& pb,
                               latency_oracle& oracle) {
    return plan_greedy(pb, oracle);
  };
  for (double cv : {0.1, 1.0, 4.0}) {
    auto sc = base;
    sc.workload.kind = "gamma";
    sc.workload.rate_qps = 100;
    sc.workload.cv = cv;
    sc.workload.count = count;
    auto sample = std::make_shared<const arrival_times>(
      make_arrivals(sc, sc.seed));
    for (double slo : {150.0, 200.0, 300.0, 500.0}) {
      sc.slo_ms = slo;
      auto pb = planning_problem_for(sc, *sample, slo, 32);
      auto inferline = timed(published, pb, sc, sample);
      auto greedy = timed(greedy_with_escape, pb, sc, sample);
      auto optimal = timed(plan_exhaustive, pb, sc, sample);
      auto ratio = [&](const timed_plan& p, double& worst_so_far) {
        if (!p.result.plan || !optimal.result.plan)
          return std::string{"-"};
        double r = plan_cost(pb, *p.result.plan)
                   / plan_cost(pb, *optimal.result.plan);
        worst_so_far = std::max(worst_so_far, r);
        return fmt::format("{:.3f}", r);
      };
      fmt::print("| {} | {} | {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {} "
                 "| {} | {} |\n",
                 slo, cv, cost_text(pb, inferline), cost_text(pb, greedy),
                 cost_text(pb, optimal), ratio(inferline, worst_published),
                 ratio(greedy, worst), greedy.seconds, optimal.seconds,
                 greedy.simulations, optimal.simulations,
                 greedy.result.plan ? describe(pb, *greedy.result.plan)
                                    : greedy.result.explanation);
      std::fflush(stdout);
    }
  }
  fmt::print("\nworst published / optimal: {:.3f}\n", worst_published);
  fmt::print("\nworst greedy / optimal: {:.3f} (target <= 1.05: {})\n", worst,
             worst <= 1.05 ? "met" : "MISSED");
  return 0;
}

} // namespace troupe::bench
