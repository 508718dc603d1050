// `troupe plan`: provisions a scenario's pipeline with one of the planners of
// policies/planning, checks the plan with a virtual-time run, prints a table
// and writes the plan as a scenario file.

#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "apps/command_errors.hpp"
#include "apps/commands.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "models/traffic_envelope.hpp"
#include "policies/planning/greedy_planner.hpp"
#include "policies/planning/optimal_planner.hpp"
#include "policies/planning/plan_explanation.hpp"
#include "policies/planning/throughput_planner.hpp"
#include "runtime/planning.hpp"
#include "runtime/report.hpp"
#include "runtime/runner.hpp"

namespace troupe {

namespace {

using wall_clock = std::chrono::steady_clock;

/// Per stage, the P99 of the time a request spent there (queue + service).
std::vector<double> stage_p99_ms(const scenario& sc,
                                 const run_outcomes& outcomes) {
  std::vector<std::vector<double>> times(sc.stages.size());
  for (const auto& rec : outcomes.records)
    for (const auto& v : rec.req.trace)
      if (v.stage < sc.stages.size() && v.finish >= v.enqueue)
        times[v.stage].push_back(to_ms(v.finish - v.enqueue));
  std::vector<double> result;
  for (auto& t : times)
    result.push_back(summarize_latencies(t).p99);
  return result;
}

/// Each stage's binding constraint and what its cheaper changes break.
std::string explanation_text(const planning_problem& problem,
                             const std::vector<stage_explanation>& stages) {
  std::string out = "  why each stage is not cheaper (binding constraint, "
                    "load = mean rate / capacity):\n";
  for (const auto& x : stages) {
    out += fmt::format("    {:<12} {} binds, load {:.0f}%\n",
                       problem.stages[x.stage].name, to_string(x.binds),
                       100 * x.load);
    if (x.cheaper.empty())
      out += "      no cheaper choice: one replica on the cheapest hardware\n";
    for (const auto& c : x.cheaper)
      out += fmt::format("      {}, cost {}: {}\n", c.change, c.cost, c.why);
  }
  return out;
}

std::string plan_table(const scenario& planned, const std::vector<double>& p99s) {
  std::string out = fmt::format("  {:<12} {:<9} {:>5} {:>8} {:>6} {:>14}\n",
                                "stage", "hardware", "batch", "replicas",
                                "cost", "stage P99 ms");
  for (size_t i = 0; i < planned.stages.size(); ++i) {
    const auto& s = planned.stages[i];
    if (!s.service) {
      out += fmt::format("  {:<12} {:<9} {:>5} {:>8} {:>6} {:>14.1f}\n",
                         s.name, "(" + s.kind + ")", "", "", 0, p99s[i]);
      continue;
    }
    out += fmt::format("  {:<12} {:<9} {:>5} {:>8} {:>6} {:>14.1f}\n", s.name,
                       s.hardware, s.max_batch, s.replicas, s.cost(), p99s[i]);
  }
  return out;
}

} // namespace

int plan_command(const plan_command_options& options) {
  if (options.method == "throughput" && !options.budget) {
    std::cerr << "troupe plan: --method throughput needs --budget (the cost "
                 "to stay within)\n";
    return 2;
  }
  if (options.method != "throughput" && options.budget) {
    std::cerr << "troupe plan: --budget applies to --method throughput only "
                 "(the " << options.method << " method finds the cheapest "
                 "plan that meets the SLO)\n";
    return 2;
  }
  if (options.method != "optimal" && options.time_limit_s > 0) {
    std::cerr << "troupe plan: --time-limit applies to --method optimal only\n";
    return 2;
  }
  return report_errors("troupe plan", [&] {
    auto sc = load_scenario(options.scenario_file);
    if (options.slo_ms)
      sc.slo_ms = *options.slo_ms;
    if (options.seed)
      sc.seed = *options.seed;
    auto sample = std::make_shared<const arrival_times>(
      make_arrivals(sc, sc.seed, options.count));
    auto problem = planning_problem_for(sc, *sample, sc.slo_ms,
                                        options.max_replicas);
    if (options.progress)
      std::cerr << fmt::format(
        "planning '{}' ({} method): SLO {} ms, sample of {} requests at "
        "{:.1f} q/s mean\n",
        sc.name, options.method, sc.slo_ms, sample->size(),
        problem.mean_rate_qps);
    simulated_latency oracle{sc, sample};
    auto start = wall_clock::now();
    auto last_report = start;
    if (options.progress)
      oracle.after_simulation = [&](uint64_t n) {
        auto now = wall_clock::now();
        if (now - last_report < std::chrono::seconds(2))
          return;
        last_report = now;
        std::cerr << fmt::format(
          "  [{:6.1f} s] {} plans simulated\n",
          std::chrono::duration<double>(now - start).count(), n);
      };
    planning_result result;
    std::string extra;
    if (options.method == "greedy" || options.method == "inferline") {
      greedy_options greedy;
      greedy.escape = options.method == "greedy";
      result = plan_greedy(problem, oracle, greedy);
    } else if (options.method == "optimal") {
      result = plan_optimal(problem, oracle,
                            optimal_options{options.time_limit_s});
    } else {
      // Windows from 10 ms (below any profiled service time) over the whole
      // sample, 5% apart: doubling windows would loosen the bound near
      // capacity by up to the window length.
      auto envelope = measure_envelope(*sample, 0.01, 1e9, 1.05);
      auto t = plan_throughput(problem, *options.budget, envelope);
      result = std::move(t.planning);
      extra = fmt::format(
        "  throughput {:.1f} q/s within budget {}; network-calculus bound "
        "{} ms\n",
        t.throughput_qps, *options.budget,
        t.bound_ms == infeasible_latency ? std::string{"unbounded"}
                                         : fmt::format("{:.1f}", t.bound_ms));
    }
    double planning_s = std::chrono::duration<double>(wall_clock::now()
                                                      - start)
                          .count();
    if (options.progress)
      for (const auto& step : result.steps)
        std::cerr << "  " << step << "\n";
    if (!result.plan) {
      std::cout << fmt::format("troupe plan: {} ({:.1f} s, {} simulations)\n",
                               result.explanation, planning_s,
                               oracle.simulations());
      return 3;
    }
    auto planned = with_plan(sc, *result.plan);
    run_options check;
    check.arrivals = sample;
    auto run = run_scenario(planned, check);
    auto summary = summarize(planned, run);
    std::cout << fmt::format("{}: plan for SLO {} ms ({} method)\n",
                             sc.name, sc.slo_ms, options.method);
    std::cout << plan_table(planned, stage_p99_ms(planned, run.outcomes));
    std::cout << extra;
    std::cout << fmt::format(
      "  cost {}  simulated P99 {:.1f} ms  SLO attainment {:.2f}%\n"
      "  planned in {:.2f} s with {} simulations\n",
      planned.cost(), summary.latency_ms.p99, 100 * summary.slo_attainment,
      planning_s, oracle.simulations());
    // A plan cut off by the time limit meets the SLO; only its optimality
    // is open (the note gives the gap).
    bool meets = result.explanation.empty()
                 || (result.plan && result.lower_bound && !result.proven);
    if (result.proven && result.lower_bound)
      std::cout << "  proven cheapest: no plan that meets the SLO costs less\n";
    if (options.method != "throughput")
      std::cout << explanation_text(problem,
                                    explain_plan(problem, oracle,
                                                 *result.plan));
    if (!result.explanation.empty())
      std::cout << "  note: " << result.explanation << "\n";
    std::filesystem::create_directories(options.out_dir);
    auto dir = std::filesystem::path{options.out_dir};
    auto plan_file = (dir / "plan.toml").string();
    write_scenario(planned, plan_file,
                   fmt::format("Planned by `troupe plan --method {}` from {}\n"
                               "SLO {} ms, cost {}, simulated P99 {:.1f} ms",
                               options.method, options.scenario_file,
                               sc.slo_ms, planned.cost(),
                               summary.latency_ms.p99));
    write_summary_json(summary, (dir / "summary.json").string());
    if (meets)
      std::cout << "  wrote " << plan_file << " (run it with `troupe run "
                << plan_file << "`) and " << (dir / "summary.json").string()
                << "\n";
    else
      std::cout << "  wrote " << plan_file << " and "
                << (dir / "summary.json").string()
                << ": the plan does not meet the SLO (see the note)\n";
    return meets ? 0 : 3;
  });
}

} // namespace troupe
