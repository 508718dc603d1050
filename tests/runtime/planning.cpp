// The planners on small pipelines, against a brute force that simulates
// every plan; the runtime side of planning (plans applied to scenarios,
// sub-pipelines, early stopping, plans written as scenario files).

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "policies/planning/optimal_planner.hpp"
#include "policies/planning/plan_explanation.hpp"
#include "policies/planning/greedy_planner.hpp"
#include "policies/planning/throughput_planner.hpp"
#include "runtime/planning.hpp"
#include "runtime/runner.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

/// Two models, each on a fast dear ("big", cost 3) and a slow cheap
/// ("small", cost 1) device, in a chain under a gamma workload.
const std::string chain_scenario = R"(
name = "chain"
slo_ms = 200
seed = 7
[workload]
kind = "gamma"
rate_qps = 40
cv = 1
count = 400
[[models]]
name = "m1"
  [[models.profiles]]
  hardware = "big"
  cost = 3
  rows = [[1, 10.0, 100.0], [2, 12.0, 160.0], [4, 20.0, 200.0]]
  [[models.profiles]]
  hardware = "small"
  cost = 1
  rows = [[1, 30.0, 30.0], [2, 40.0, 50.0], [4, 60.0, 70.0]]
[[models]]
name = "m2"
  [[models.profiles]]
  hardware = "big"
  cost = 3
  rows = [[1, 8.0, 120.0], [4, 16.0, 250.0]]
  [[models.profiles]]
  hardware = "small"
  cost = 1
  rows = [[1, 25.0, 40.0], [4, 50.0, 80.0]]
[[stages]]
name = "first"
model = "m1"
hardware = "big"
inputs = ["source"]
[[stages]]
name = "second"
model = "m2"
hardware = "big"
inputs = ["first"]
)";

/// Seed 002's ResNet (V100 or TXP) feeding its KSVM: at SLO 290 ms
/// MinimizeCost ends at two TXP replicas, where one V100 is cheaper.
const std::string resnet_ksvm = R"(
name = "escape"
slo_ms = 300
seed = 42
[workload]
kind = "gamma"
rate_qps = 100
cv = 1
count = 2000
[[models]]
name = "resnet"
  [[models.profiles]]
  hardware = "V100"
  cost = 3
  rows = [[1, 132.54010, 10.0], [2, 134.24957, 19.7], [4, 138.39000, 38.6],
          [8, 149.21285, 76.1], [12, 152.38963, 105.2], [16, 172.64560, 126.2],
          [24, 212.01610, 168.9], [32, 256.63817, 191.5]]
  [[models.profiles]]
  hardware = "TXP"
  cost = 2
  rows = [[1, 108.87625, 9.9], [2, 111.04000, 20.4], [4, 121.55254, 39.9],
          [8, 141.82200, 73.6], [16, 152.72976, 126.7], [32, 278.38175, 151.6]]
[[stages]]
name = "resnet"
model = "resnet"
hardware = "V100"
inputs = ["source"]
[[models]]
name = "ksvm"
  [[models.profiles]]
  hardware = "CPU"
  cost = 1
  rows = [[1, 45.305130, 42.3], [2, 45.864000, 74.3], [4, 51.040710, 138.4],
          [8, 54.351710, 276.9], [12, 59.511130, 390.0], [16, 65.195470, 498.7],
          [24, 75.762700, 655.5], [48, 93.624520, 811.5], [64, 124.36674, 907.8]]
[[stages]]
name = "ksvm"
model = "ksvm"
hardware = "CPU"
inputs = ["resnet"]
)";

/// Two chains into a join: a (fast and dear, or slow and cheap) alone, and
/// b -> c; each request takes both.
const std::string fork_join_scenario = R"(
name = "fork"
slo_ms = 90
seed = 3
[workload]
kind = "gamma"
rate_qps = 60
cv = 2
count = 300
[[models]]
name = "a"
  [[models.profiles]]
  hardware = "big"
  cost = 3
  rows = [[1, 10.0, 100.0], [4, 16.0, 250.0]]
  [[models.profiles]]
  hardware = "small"
  cost = 1
  rows = [[1, 30.0, 33.0], [4, 50.0, 80.0]]
[[models]]
name = "b"
  [[models.profiles]]
  hardware = "cpu"
  cost = 1
  rows = [[1, 12.0, 80.0], [2, 14.0, 140.0]]
[[models]]
name = "c"
  [[models.profiles]]
  hardware = "cpu"
  cost = 2
  rows = [[1, 20.0, 50.0], [4, 30.0, 130.0]]
[[stages]]
name = "a"
model = "a"
hardware = "big"
inputs = ["source"]
[[stages]]
name = "b"
model = "b"
hardware = "cpu"
inputs = ["source"]
[[stages]]
name = "c"
model = "c"
hardware = "cpu"
inputs = ["b"]
[[stages]]
name = "join"
kind = "join"
inputs = ["a", "c"]
)";

struct fixture {
  test::temp_dir dir;
  scenario sc;
  std::shared_ptr<const arrival_times> sample;

  fixture() {
    sc = load_scenario(dir.write("chain.toml", chain_scenario));
    sample = std::make_shared<const arrival_times>(make_arrivals(sc, sc.seed));
  }

  planning_problem problem(uint32_t max_replicas = 3) const {
    return planning_problem_for(sc, *sample, sc.slo_ms, max_replicas);
  }

  /// The cheapest feasible cost over every plan of `pb` (every planned
  /// stage's hardware, profiled batch size and replicas), each simulated.
  static double brute_force_cost(const scenario& on,
                                 std::shared_ptr<const arrival_times> arrivals,
                                 const planning_problem& pb) {
    simulated_latency oracle{on, std::move(arrivals)};
    double best = std::numeric_limits<double>::infinity();
    pipeline_plan plan(pb.stages.size());
    std::function<void(size_t)> assign = [&](size_t i) {
      if (i == pb.stages.size()) {
        if (oracle.p99_ms(plan) <= pb.slo_ms)
          best = std::min(best, plan_cost(pb, plan));
        return;
      }
      if (!pb.stages[i].planned()) {
        assign(i + 1);
        return;
      }
      for (const auto& p : pb.stages[i].hardware)
        for (const auto& row : p->rows)
          for (uint32_t r = 1; r <= pb.max_replicas; ++r) {
            plan[i] = stage_choice{p->hardware, row.batch_size, r};
            assign(i + 1);
          }
      plan[i] = stage_choice{};
    };
    assign(0);
    return best;
  }

  double brute_force_cost(const planning_problem& pb) {
    return brute_force_cost(sc, sample, pb);
  }

  /// The optimal planner on `on` at `slo` finds and proves the brute
  /// force's cost (or proves that no plan exists).
  static void check_optimum(scenario on,
                            std::shared_ptr<const arrival_times> arrivals,
                            double slo) {
    on.slo_ms = slo;
    auto pb = planning_problem_for(on, *arrivals, slo, 3);
    simulated_latency oracle{on, arrivals};
    auto result = plan_optimal(pb, oracle);
    auto best = brute_force_cost(on, arrivals, pb);
    BOOST_TEST_CONTEXT("SLO " << slo) {
      BOOST_CHECK(result.proven);
      if (std::isinf(best)) {
        BOOST_CHECK(!result.plan);
        return;
      }
      BOOST_REQUIRE(result.plan);
      BOOST_CHECK_EQUAL(plan_cost(pb, *result.plan), best);
      BOOST_CHECK_LE(oracle.p99_ms(*result.plan), slo);
    }
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(planning, fixture)

BOOST_AUTO_TEST_CASE(problem_lists_the_best_hardware_first) {
  auto pb = problem();
  BOOST_REQUIRE_EQUAL(pb.stages.size(), 2u);
  BOOST_CHECK_EQUAL(pb.stages[0].hardware.front()->hardware, "big");
  BOOST_CHECK(pb.stages[1].inputs == std::vector<size_t>{0});
  BOOST_CHECK_CLOSE(pb.mean_rate_qps, 40.0, 15.0);
}

BOOST_AUTO_TEST_CASE(optimal_finds_the_brute_force_optimum) {
  auto pb = problem();
  simulated_latency oracle{sc, sample};
  auto result = plan_optimal(pb, oracle);
  BOOST_REQUIRE(result.plan);
  BOOST_CHECK_EQUAL(plan_cost(pb, *result.plan), brute_force_cost(pb));
  BOOST_CHECK_LE(result.p99_ms, pb.slo_ms);
  BOOST_CHECK(result.proven);
  BOOST_REQUIRE(result.lower_bound);
  BOOST_CHECK_EQUAL(*result.lower_bound, plan_cost(pb, *result.plan));
  // Pruning spared most of the 324 plans.
  BOOST_CHECK_LT(oracle.simulations(), 100u);
}

BOOST_AUTO_TEST_CASE(optimal_finds_the_brute_force_optimum_of_a_fork_join) {
  // Two chains into a join, at several SLOs: the bounds across chains and
  // the upper bound from the chains' optima must never cut the optimum.
  auto fork = load_scenario(dir.write("fork.toml", fork_join_scenario));
  auto arrivals = std::make_shared<const arrival_times>(
    make_arrivals(fork, fork.seed));
  for (double slo : {60.0, 90.0, 150.0}) {
    BOOST_TEST_CONTEXT("greedy batching") {
      check_optimum(fork, arrivals, slo);
    }
  }
  // fill batching waits on each stage's share of the SLO, which the stages
  // after it change: chains no longer run alone as in the pipeline.
  for (auto& stage : fork.stages)
    if (stage.service)
      stage.batching = batching_kind::fill;
  for (double slo : {60.0, 90.0}) {
    BOOST_TEST_CONTEXT("fill batching") {
      check_optimum(fork, arrivals, slo);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cut_off_search_returns_a_feasible_plan_and_its_gap) {
  auto fork = load_scenario(dir.write("fork.toml", fork_join_scenario));
  auto arrivals = std::make_shared<const arrival_times>(
    make_arrivals(fork, fork.seed));
  fork.slo_ms = 90;
  auto pb = planning_problem_for(fork, *arrivals, 90, 3);
  simulated_latency full_oracle{fork, arrivals};
  auto full = plan_optimal(pb, full_oracle);
  BOOST_REQUIRE(full.plan && full.proven);
  auto optimum = plan_cost(pb, *full.plan);
  auto used = full_oracle.simulations();
  size_t cut_with_plan = 0;
  for (uint64_t limit = 1; limit < used; ++limit) {
    simulated_latency oracle{fork, arrivals};
    optimal_options options;
    options.simulation_limit = limit;
    auto cut = plan_optimal(pb, oracle, options);
    BOOST_TEST_CONTEXT("limit " << limit) {
      BOOST_REQUIRE(cut.lower_bound);
      // The bound is a true lower bound, whether or not a plan came back.
      BOOST_CHECK_LE(*cut.lower_bound, optimum);
      if (!cut.plan)
        continue;
      if (cut.proven) {
        BOOST_CHECK_EQUAL(plan_cost(pb, *cut.plan), optimum);
        continue;
      }
      ++cut_with_plan;
      simulated_latency judge{fork, arrivals};
      BOOST_CHECK_LE(judge.p99_ms(*cut.plan), 90.0);
      BOOST_CHECK_GE(plan_cost(pb, *cut.plan), optimum);
      BOOST_CHECK_NE(cut.explanation.find("gap"), std::string::npos);
    }
  }
  // Some limit stopped the search after its first plan, before the proof.
  BOOST_CHECK_GT(cut_with_plan, 0u);
}

BOOST_AUTO_TEST_CASE(greedy_meets_the_slo_at_no_less_than_the_optimum) {
  auto pb = problem();
  simulated_latency oracle{sc, sample};
  auto greedy = plan_greedy(pb, oracle);
  BOOST_REQUIRE(greedy.plan);
  BOOST_CHECK_LE(greedy.p99_ms, pb.slo_ms);
  BOOST_CHECK_LE(oracle.p99_ms(*greedy.plan), pb.slo_ms);
  auto optimum = plan_optimal(pb, oracle);
  BOOST_REQUIRE(optimum.plan);
  BOOST_CHECK_EQUAL(plan_cost(pb, *greedy.plan), plan_cost(pb, *optimum.plan));
  BOOST_CHECK(!greedy.steps.empty());
}

BOOST_AUTO_TEST_CASE(the_escape_phase_finds_dearer_hardware_that_pays) {
  auto two = load_scenario(dir.write("resnet-ksvm.toml", resnet_ksvm));
  auto arrivals = std::make_shared<const arrival_times>(
    make_arrivals(two, two.seed));
  // The oracle judges deadlines by the scenario's SLO: set it per case.
  auto at = [&](double slo) {
    two.slo_ms = slo;
    return planning_problem_for(two, *arrivals, slo, 32);
  };
  auto pb = at(290);
  simulated_latency oracle{two, arrivals};
  auto published = plan_greedy(pb, oracle, greedy_options{false});
  auto greedy = plan_greedy(pb, oracle);
  auto optimum = plan_optimal(pb, oracle);
  BOOST_REQUIRE(published.plan && greedy.plan && optimum.plan);
  BOOST_CHECK_EQUAL(plan_cost(pb, *published.plan), 5.0);
  BOOST_CHECK_EQUAL(plan_cost(pb, *greedy.plan), 4.0);
  BOOST_CHECK_EQUAL(plan_cost(pb, *optimum.plan), 4.0);
  BOOST_CHECK_EQUAL((*greedy.plan)[0].hardware, "V100");
  BOOST_CHECK_LE(oracle.p99_ms(*greedy.plan), 290.0);
  auto escaped = std::any_of(greedy.steps.begin(), greedy.steps.end(),
                             [](const std::string& step) {
                               return step.rfind("escape:", 0) == 0;
                             });
  BOOST_CHECK(escaped);
  // Never worse than the published planner.
  for (double slo : {250.0, 270.0, 310.0}) {
    auto other = at(slo);
    simulated_latency judge{two, arrivals};
    auto a = plan_greedy(other, judge, greedy_options{false});
    auto b = plan_greedy(other, judge);
    BOOST_REQUIRE(a.plan && b.plan);
    BOOST_CHECK_LE(plan_cost(other, *b.plan), plan_cost(other, *a.plan));
  }
}

BOOST_AUTO_TEST_CASE(the_explanation_names_each_stages_binding_constraint) {
  // About 40 q/s. first on "big" at batch 1 (100 q/s): on "small" it would
  // serve 30 q/s, below the rate. second on "big" at batch 4: on "small"
  // it serves 80 q/s, enough, but its shortest batch (25 ms) after
  // first's (10 ms) is beyond an SLO of 30 ms.
  auto pb = problem();
  pb.slo_ms = 30;
  pipeline_plan plan{stage_choice{"big", 1, 1}, stage_choice{"big", 4, 1}};
  simulated_latency oracle{sc, sample};
  auto why = explain_plan(pb, oracle, plan);
  BOOST_REQUIRE_EQUAL(why.size(), 2u);
  BOOST_CHECK(why[0].binds == binding_constraint::throughput);
  BOOST_REQUIRE_EQUAL(why[0].cheaper.size(), 1u);
  BOOST_CHECK_EQUAL(why[0].cheaper[0].change, "small instead of big (batch 1)");
  BOOST_CHECK_EQUAL(why[0].cheaper[0].cost, 4.0);
  BOOST_CHECK_NE(why[0].cheaper[0].why.find("below the mean rate"),
                 std::string::npos);
  BOOST_CHECK(why[1].binds == binding_constraint::latency);
  BOOST_CHECK_NE(why[1].cheaper[0].why.find("shortest service times alone"),
                 std::string::npos);
  BOOST_CHECK_CLOSE(why[0].load, pb.mean_rate_qps / 100.0, 1e-6);
  // Lognormal service times have the same mean: the same load.
  pb.random_service = true;
  BOOST_CHECK_CLOSE(explain_plan(pb, oracle, plan)[0].load,
                    pb.mean_rate_qps / 100.0, 1e-6);
}

BOOST_AUTO_TEST_CASE(the_explanation_shows_a_saving_a_plan_missed) {
  // Three big replicas of first where one serves 40 q/s within 200 ms.
  auto pb = problem();
  pipeline_plan plan{stage_choice{"big", 1, 3}, stage_choice{"big", 4, 1}};
  simulated_latency oracle{sc, sample};
  BOOST_REQUIRE_LE(oracle.p99_ms(plan), pb.slo_ms);
  auto why = explain_plan(pb, oracle, plan);
  BOOST_REQUIRE(!why[0].cheaper.empty());
  BOOST_CHECK_EQUAL(why[0].cheaper[0].change, "x2 instead of x3");
  BOOST_CHECK(why[0].cheaper[0].breaks == binding_constraint::none);
  BOOST_CHECK_NE(why[0].cheaper[0].why.find("a saving"), std::string::npos);
  // The optimum has none.
  auto optimum = plan_optimal(pb, oracle);
  BOOST_REQUIRE(optimum.plan);
  for (const auto& x : explain_plan(pb, oracle, *optimum.plan))
    for (const auto& c : x.cheaper)
      BOOST_CHECK(c.breaks != binding_constraint::none);
}

BOOST_AUTO_TEST_CASE(a_pipeline_with_a_controller_is_not_planned) {
  // Rafiki's controller routes each batch to the models it picks: not every
  // request visits every stage, which the planners' bounds count on.
  auto rafiki = load_scenario(TROUPE_SOURCE_DIR "/scenarios/rafiki-seed.toml");
  auto arrivals = make_arrivals(rafiki, rafiki.seed, 100);
  BOOST_CHECK_EXCEPTION(planning_problem_for(rafiki, arrivals, 250, 4),
                        std::invalid_argument,
                        [](const std::invalid_argument& e) {
                          return std::string{e.what()}.find(
                                   "has a controller ('rafiki')")
                                 != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(a_slo_below_the_service_time_is_explained) {
  auto pb = problem();
  pb.slo_ms = 15; // s(1) of both models on "big" adds up to 18.3 ms
  simulated_latency oracle{sc, sample};
  auto greedy = plan_greedy(pb, oracle);
  BOOST_CHECK(!greedy.plan);
  BOOST_CHECK_NE(greedy.explanation.find("service time alone along first -> "
                                         "second"),
                 std::string::npos);
  BOOST_CHECK_EQUAL(oracle.simulations(), 0u);
  auto optimal = plan_optimal(pb, oracle);
  BOOST_CHECK(!optimal.plan);
  BOOST_CHECK(!optimal.explanation.empty());
}

BOOST_AUTO_TEST_CASE(too_few_replicas_allowed_is_explained) {
  // 150 q/s needs two replicas of m1 even on "big" at batch size 1.
  sc.workload.rate_qps = 150;
  sample = std::make_shared<const arrival_times>(make_arrivals(sc, sc.seed));
  auto pb = problem(1);
  simulated_latency oracle{sc, sample};
  auto greedy = plan_greedy(pb, oracle);
  BOOST_CHECK(!greedy.plan);
  BOOST_CHECK_NE(greedy.explanation.find("bound of 1 replicas"),
                 std::string::npos);
  // Not a proof that no plan exists: it says so, and what would search.
  BOOST_CHECK_EQUAL(greedy.explanation.find("no plan found"), 0u);
  BOOST_CHECK_NE(greedy.explanation.find("--method optimal"),
                 std::string::npos);
  // Below the throughput bound nothing was simulated: it says which rate.
  BOOST_CHECK_NE(greedy.explanation.find("below the workload's mean rate"),
                 std::string::npos);
}

BOOST_AUTO_TEST_CASE(throughput_planner_stays_within_the_budget) {
  auto pb = problem(8);
  auto env = measure_envelope(*sample, 0.01, 1e9, 1.05);
  auto result = plan_throughput(pb, 6, env);
  BOOST_REQUIRE(result.planning.plan);
  const auto& plan = *result.planning.plan;
  BOOST_CHECK_LE(plan_cost(pb, plan), 6.0);
  BOOST_CHECK_LE(longest_service_path(pb, plan).ms, pb.slo_ms);
  // The bottleneck cannot grow: every step on it breaks the budget or SLO.
  auto b = *bottleneck(pb, plan);
  auto more = plan;
  ++more[b].replicas;
  BOOST_CHECK_GT(plan_cost(pb, more), 6.0);
  BOOST_CHECK_CLOSE(result.throughput_qps, capacity_qps(pb, plan, b), 1e-9);
  BOOST_CHECK_GT(result.bound_ms, 0.0);
  // Below the cheapest pipeline's cost there is no plan.
  BOOST_CHECK(!plan_throughput(pb, 1, env).planning.plan);
}

BOOST_AUTO_TEST_CASE(an_overloaded_plan_stops_early) {
  auto slow = with_plan(sc, {stage_choice{"small", 1, 1},
                             stage_choice{"small", 1, 1}});
  run_options opts;
  opts.arrivals = sample;
  opts.stop_after_late = 4;
  auto run = run_scenario(slow, opts);
  BOOST_CHECK(run.stopped_early);
  BOOST_CHECK(run.outcomes.records.empty());
  simulated_latency oracle{sc, sample};
  BOOST_CHECK(oracle.p99_ms(plan_of(slow)) == infeasible_latency);
}

BOOST_AUTO_TEST_CASE(the_oracle_remembers_its_answers) {
  simulated_latency oracle{sc, sample};
  auto plan = plan_of(sc);
  auto first = oracle.p99_ms(plan);
  BOOST_CHECK_EQUAL(oracle.p99_ms(plan), first);
  BOOST_CHECK_EQUAL(oracle.simulations(), 1u);
  // A sub-pipeline is a different question.
  auto prefix = oracle.p99_ms(plan, {0});
  BOOST_CHECK_EQUAL(oracle.simulations(), 2u);
  BOOST_CHECK_LE(prefix, first);
}

BOOST_AUTO_TEST_CASE(sub_scenario_keeps_the_chosen_stages) {
  auto sub = sub_scenario(sc, {0});
  BOOST_REQUIRE_EQUAL(sub.stages.size(), 1u);
  BOOST_CHECK_EQUAL(sub.stages[0].name, "first");
  BOOST_CHECK(sub.leaves() == std::vector<stage_id>{0});
  BOOST_CHECK(sub.topological_order == std::vector<stage_id>{0});
}

BOOST_AUTO_TEST_CASE(a_written_plan_reads_back_as_the_same_scenario) {
  auto planned = with_plan(sc, {stage_choice{"small", 4, 2},
                                stage_choice{"big", 1, 1}});
  auto file = dir.path("out/plan.toml");
  std::filesystem::create_directories(dir.path("out"));
  write_scenario(planned, file, "a test plan");
  auto back = load_scenario(file);
  BOOST_CHECK_EQUAL(back.name, planned.name);
  BOOST_CHECK_EQUAL(back.slo_ms, planned.slo_ms);
  BOOST_CHECK_EQUAL(back.workload.count, planned.workload.count);
  BOOST_CHECK(plan_of(back) == plan_of(planned));
  BOOST_CHECK_EQUAL(back.cost(), planned.cost());
  BOOST_CHECK_EQUAL(back.models.size(), 2u);
  BOOST_CHECK(back.models[0].profiles[1]->rows.back().throughput_qps == 70.0);
  BOOST_CHECK(make_arrivals(back, back.seed) == *sample);
}

BOOST_AUTO_TEST_CASE(a_written_gap_file_is_relative_to_the_plan) {
  dir.write("gaps/steady.deltas", "10\n10\n10\n");
  auto text = chain_scenario;
  auto at = text.find("kind = \"gamma\"");
  text.replace(at, text.find("[[models]]") - at,
               "kind = \"deltas\"\nfile = \"gaps/steady.deltas\"\n");
  auto with_file = load_scenario(dir.write("deltas.toml", text));
  std::filesystem::create_directories(dir.path("plans/x"));
  write_scenario(with_file, dir.path("plans/x/plan.toml"));
  BOOST_CHECK_NE(test::read_file(dir.path("plans/x/plan.toml"))
                   .find("file = \"../../gaps/steady.deltas\""),
                 std::string::npos);
  auto back = load_scenario(dir.path("plans/x/plan.toml"));
  BOOST_CHECK_EQUAL(make_arrivals(back, 0).size(), 3u);
}

BOOST_AUTO_TEST_SUITE_END()
