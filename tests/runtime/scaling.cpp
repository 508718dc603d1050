// Scaled pipelines in virtual time: the scaler follows a burst, workers
// serve only after their cold start, scale-down waits, every request ends
// once (drops counted per reason), and runs are deterministic.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "runtime/timeseries.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// 50 q/s, a burst of 600 q/s from 10 s to 30 s, 50 q/s until 50 s, on one
/// "fast" stage (200 q/s per worker at batch 4).
std::string scaled_scenario(const std::string& policy,
                            uint32_t max_workers = 8) {
  return "name = \"burst\"\nslo_ms = 200\nseed = 3\n"
         "[workload]\nkind = \"trace\"\nfile = \"rates.csv\"\n"
         "duration_s = 50\n"
         "[scaling]\npolicy = \""
         + policy
         + "\"\ncold_start_s = 3\nscale_down_delay_s = 8\nmax_workers = "
         + std::to_string(max_workers) + "\n" + test::test_models + R"(
[[stages]]
name = "a"
model = "fast"
hardware = "CPU"
replicas = 1
max_batch = 4
batching = "fill"
drop = "estimate"
inputs = ["source"]
)";
}

struct fixture {
  test::temp_dir dir;

  fixture() {
    dir.write("rates.csv", "time_s,rate_qps\n0,50\n10,600\n30,50\n");
  }

  run_result run(const std::string& text, scenario* out = nullptr) {
    auto sc = load_scenario(dir.write("s.toml", text));
    if (out != nullptr)
      *out = sc;
    return run_scenario(sc, run_options{});
  }

  static void check_conserved(const scenario& sc, const run_result& r) {
    auto s = summarize(sc, r);
    BOOST_CHECK_EQUAL(r.outcomes.records.size(), r.outcomes.sent);
    BOOST_CHECK_EQUAL(s.completed + s.dropped + s.failed, s.sent);
    uint64_t by_reason = 0;
    for (const auto& [reason, count] : s.drop_reasons)
      by_reason += count;
    BOOST_CHECK_EQUAL(by_reason, s.dropped);
    uint64_t at_stages = 0;
    for (const auto& st : s.stages)
      at_stages += st.dropped;
    BOOST_CHECK_EQUAL(at_stages, s.dropped);
  }

  static uint32_t running(const scaling_sample& x) {
    return x.active + x.booting;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(scaling_in_virtual_time, fixture)

BOOST_AUTO_TEST_CASE(the_seed_rule_follows_a_burst_and_back) {
  scenario sc;
  auto r = run(scaled_scenario("seed"), &sc);
  check_conserved(sc, r);
  const auto& samples = r.scaling.samples;
  BOOST_REQUIRE(samples.size() >= 50);
  // One sample per second, from 1 s on.
  BOOST_CHECK(samples.front().when == 1s);
  uint32_t peak = 0;
  for (const auto& x : samples)
    if (x.when >= 10s && x.when <= 30s)
      peak = std::max(peak, running(x));
  // 600 q/s at 200 q/s per worker: at least 3 workers, plus the margin.
  BOOST_CHECK_GE(peak, 4u);
  BOOST_CHECK_LE(running(samples.back()), 2u);
  auto s = summarize(sc, r);
  BOOST_CHECK_GT(s.slo_attainment, 0.9);
  BOOST_CHECK(s.stages[0].scaled);
  BOOST_CHECK_GT(s.worker_cost, 0.0);
}

BOOST_AUTO_TEST_CASE(no_worker_serves_before_its_cold_start) {
  scenario sc;
  auto r = run(scaled_scenario("seed"), &sc);
  // The first order for more than the one initial worker.
  caf::timespan first_order = caf::timespan::max();
  for (const auto& x : r.scaling.samples)
    if (x.target > 1) {
      first_order = x.when;
      break;
    }
  BOOST_REQUIRE(first_order != caf::timespan::max());
  size_t served_by_new = 0;
  for (const auto& rec : r.outcomes.records)
    for (const auto& visit : rec.req.trace)
      if (visit.stage == 0 && visit.batch_size > 0 && visit.replica > 0) {
        ++served_by_new;
        BOOST_REQUIRE(visit.dequeue >= first_order + 3s);
      }
  BOOST_CHECK_GT(served_by_new, 0u);
}

BOOST_AUTO_TEST_CASE(scale_down_waits_for_the_delay) {
  auto r = run(scaled_scenario("seed"));
  const auto& samples = r.scaling.samples;
  // After the burst (30 s): the first order below the running workers, and
  // the first time fewer workers run than then.
  size_t fall = 0;
  while (fall < samples.size()
         && (samples[fall].when <= 30s
             || samples[fall].target >= running(samples[fall])))
    ++fall;
  BOOST_REQUIRE(fall < samples.size());
  auto before = running(samples[fall]);
  size_t shrink = fall;
  while (shrink < samples.size() && running(samples[shrink]) >= before)
    ++shrink;
  BOOST_REQUIRE(shrink < samples.size());
  BOOST_CHECK(samples[shrink].when - samples[fall].when >= 8s);
}

BOOST_AUTO_TEST_CASE(the_tuner_and_the_oracle_scale_too) {
  for (auto policy : {"tuner", "oracle"}) {
    BOOST_TEST_CONTEXT(policy) {
      scenario sc;
      auto r = run(scaled_scenario(policy), &sc);
      check_conserved(sc, r);
      uint32_t peak = 0;
      for (const auto& x : r.scaling.samples)
        peak = std::max(peak, running(x));
      BOOST_CHECK_GE(peak, 3u);
    }
  }
  // The oracle sizes the first interval before anything arrives.
  auto oracle = run(scaled_scenario("oracle"));
  BOOST_CHECK(oracle.scaling.samples.front().when == 0s);
}

BOOST_AUTO_TEST_CASE(too_few_workers_drop_with_reasons_and_conserve) {
  scenario sc;
  auto r = run(scaled_scenario("seed", 2), &sc);
  check_conserved(sc, r);
  auto s = summarize(sc, r);
  BOOST_CHECK_GT(s.dropped, 0u);
  BOOST_CHECK_GT(s.drop_reasons["deadline_unreachable"], 0u);
}

BOOST_AUTO_TEST_CASE(same_scenario_and_seed_scale_identically) {
  auto a = run(scaled_scenario("seed"));
  auto b = run(scaled_scenario("seed"));
  BOOST_CHECK(a.scaling == b.scaling);
  BOOST_CHECK(a.outcomes == b.outcomes);
}

BOOST_AUTO_TEST_CASE(intervals_add_up_to_the_run) {
  scenario sc;
  auto r = run(scaled_scenario("seed"), &sc);
  auto rows = interval_series(sc, r, 1.0);
  BOOST_REQUIRE_GE(rows.size(), 50u);
  uint64_t arrivals = 0;
  uint64_t ended = 0;
  double cost = 0;
  for (const auto& row : rows) {
    arrivals += row.arrivals;
    ended += row.completed + row.dropped + row.failed;
    cost += row.cost;
  }
  BOOST_CHECK_EQUAL(arrivals, r.outcomes.sent);
  BOOST_CHECK_EQUAL(ended, r.outcomes.sent);
  BOOST_CHECK_CLOSE(cost, summarize(sc, r).worker_cost, 1e-6);
  // The burst shows in the arrivals.
  BOOST_CHECK_GT(rows[20].arrivals, 5 * rows[5].arrivals);
}

BOOST_AUTO_TEST_CASE(the_time_series_is_written_and_plotted) {
  scenario sc;
  auto r = run(scaled_scenario("seed"), &sc);
  write_intervals_csv(interval_series(sc, r, 1.0), dir.path("intervals.csv"));
  write_scaling_csv(sc, r.scaling, dir.path("scaling.csv"));
  // The setup script installs gnuplot: a plot is expected.
  auto result = plot_scaling(sc, dir.path(""), 50);
  BOOST_REQUIRE_MESSAGE(!result.png.empty(), result.problem);
  BOOST_CHECK_GT(std::filesystem::file_size(result.png), 1000u);
  std::ifstream script{dir.path("scaling.gp")};
  std::string text{std::istreambuf_iterator<char>{script}, {}};
  BOOST_CHECK(text.find("title 'a'") != std::string::npos);
  // Without gnuplot, the script stays and the answer says why.
  std::filesystem::remove(result.png);
  auto missing = plot_scaling(sc, dir.path(""), 50, "no-such-gnuplot-here");
  BOOST_CHECK(missing.png.empty());
  BOOST_CHECK(missing.problem.find("not installed") != std::string::npos);
  BOOST_CHECK(!std::filesystem::exists(dir.path("scaling.png")));
  BOOST_CHECK(std::filesystem::exists(dir.path("scaling.gp")));
  std::ifstream rows{dir.path("scaling.csv")};
  std::string header;
  std::getline(rows, header);
  BOOST_CHECK_EQUAL(header, "time_s,stage,measured_qps,predicted_qps,active,"
                            "booting,target,max_batch,queue,cost,drops");
}

BOOST_AUTO_TEST_CASE(scaled_scenarios_are_written_as_they_were_read) {
  for (auto name : {"scaling-wave", "scaling-trace"}) {
    BOOST_TEST_CONTEXT(name) {
      auto original = load_scenario(std::string{TROUPE_SOURCE_DIR}
                                    + "/scenarios/" + name + ".toml");
      auto file = dir.path(std::string{name} + ".toml");
      write_scenario(original, file);
      auto back = load_scenario(file);
      const auto& a = original.scaling;
      const auto& b = back.scaling;
      BOOST_CHECK(a.policy == b.policy);
      BOOST_CHECK(a.cold_start == b.cold_start);
      BOOST_CHECK(a.scale_down_delay == b.scale_down_delay);
      BOOST_CHECK_EQUAL(a.margin, b.margin);
      BOOST_CHECK_EQUAL(a.max_workers, b.max_workers);
      BOOST_CHECK_EQUAL(a.idle_cost_per_s, b.idle_cost_per_s);
      for (size_t i = 0; i < original.stages.size(); ++i) {
        BOOST_CHECK(original.stages[i].batching == back.stages[i].batching);
        BOOST_CHECK(original.stages[i].dropping == back.stages[i].dropping);
      }
      // Wave coefficients and trace files survive: the same arrivals.
      BOOST_CHECK(make_arrivals(original, original.seed)
                  == make_arrivals(back, back.seed));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(scaling_in_real_time, fixture)

BOOST_AUTO_TEST_CASE(a_short_scaled_real_run_ends_every_request) {
  // One second of the burst scenario's start, sampled every 0.2 s: no
  // assertion on timing, only that the scaler ran and nothing was lost.
  // Every policy, the oracle too: its first round is at time zero, which
  // once came before the real-time start (a negative period, and a deque
  // that grew without bound).
  for (auto policy : {"seed", "oracle"}) {
    BOOST_TEST_CONTEXT(policy) {
      auto text = scaled_scenario(policy);
      text.replace(text.find("duration_s = 50"), 15, "duration_s = 1");
      text.replace(text.find("[scaling]\n"), 10,
                   "[scaling]\ninterval_s = 0.2\n");
      auto sc = load_scenario(dir.write("s.toml", text));
      run_options opts;
      opts.clock = clock_kind::real_time;
      auto r = run_scenario(sc, opts);
      check_conserved(sc, r);
      BOOST_CHECK_GT(r.outcomes.sent, 10u);
      BOOST_REQUIRE(!r.scaling.samples.empty());
      for (const auto& x : r.scaling.samples) {
        BOOST_CHECK(x.when >= caf::timespan{0});
        BOOST_CHECK_GE(x.cost, 0.0);
      }
      BOOST_CHECK_GT(summarize(sc, r).worker_cost, 0.0);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
