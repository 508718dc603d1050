// Planner quality (SEEDS.md 3): InferLine's greedy planner against the
// exhaustive optimum on the seed-002 pipeline, for SLOs of 150, 200, 300 and
// 500 ms and gamma workloads at 100 q/s with CV parameter 0.1, 1 and 4.
// Reports each plan's cost, greedy / optimum, and the planning times.

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
  fmt::print("| SLO ms | CV | greedy cost | optimal cost | greedy / optimal "
             "| greedy s | exhaustive s | greedy simulations | exhaustive "
             "simulations | greedy plan |\n|---|---|---|---|---|---|---|---|"
             "---|---|\n");
  double worst = 0;
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
      auto greedy = timed(plan_greedy, pb, sc, sample);
      auto optimal = timed(plan_exhaustive, pb, sc, sample);
      std::string ratio = "-";
      if (greedy.result.plan && optimal.result.plan) {
        double r = plan_cost(pb, *greedy.result.plan)
                   / plan_cost(pb, *optimal.result.plan);
        worst = std::max(worst, r);
        ratio = fmt::format("{:.3f}", r);
      }
      fmt::print("| {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {} | {} | {} "
                 "|\n",
                 slo, cv, cost_text(pb, greedy), cost_text(pb, optimal),
                 ratio, greedy.seconds, optimal.seconds, greedy.simulations,
                 optimal.simulations,
                 greedy.result.plan ? describe(pb, *greedy.result.plan)
                                    : greedy.result.explanation);
      std::fflush(stdout);
    }
  }
  fmt::print("\nworst greedy / optimal: {:.3f} (target <= 1.05: {})\n", worst,
             worst <= 1.05 ? "met" : "MISSED");
  return 0;
}

} // namespace troupe::bench
