// The whole actor graph in virtual time against cases with known answers,
// determinism, conservation under overload, and a short real-clock run.

#include <algorithm>

#include <boost/test/unit_test.hpp>

#include <cmath>

#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "tests/support/test_kinds.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

/// A deltas workload into one stage of one CPU model, "m", whose profile
/// has `rows` (its rows keys), at batch size 1; `top` adds top-level keys.
std::string one_model_scenario(const std::string& top,
                               const std::string& rows) {
  return "name = \"one\"\nslo_ms = 1000\nseed = 3\n" + top
         + "[workload]\nkind = \"deltas\"\nfile = \"gaps.deltas\"\n"
           "[[models]]\nname = \"m\"\n  [[models.profiles]]\n"
           "  hardware = \"CPU\"\n  cost = 1\n  "
         + rows
         + "\n[[stages]]\nname = \"a\"\nmodel = \"m\"\nhardware = \"CPU\"\n"
           "max_batch = 1\ninputs = [\"source\"]\n";
}

struct fixture {
  test::temp_dir dir;

  run_result run(const std::string& scenario_text, const std::string& gaps,
                 clock_kind clock = clock_kind::virtual_time) {
    dir.write("gaps.deltas", gaps);
    auto sc = load_scenario(dir.write("s.toml", scenario_text));
    run_options opts;
    opts.clock = clock;
    return run_scenario(sc, opts);
  }

  static double latency_ms(const request_outcome& rec) {
    return double((rec.finish - rec.req.arrival).count()) / 1e6;
  }

  /// A run of 10 requests through one replica of `kind` that, on its 3rd
  /// batch, dies (crashing) or kills its frontend or the sink. In real time
  /// too, the 3rd batch is request 2 and the last one served: batches hold
  /// one request (a slow machine would queue requests 1 and 2 into one), and
  /// none is sent ahead (request 3 would reach the replica before the
  /// frontend's death ends the run, and complete).
  run_result run_with_a_death(clock_kind clock,
                              const std::string& kind = "crashing") {
    test::register_crashing_kind();
    test::register_killing_kinds();
    auto key = kind == "crashing" ? "die_on_batch" : "kill_on_batch";
    auto stage = "[[stages]]\nname = \"flaky\"\nkind = \"" + kind + "\"\n"
                 + key + " = 3\nmax_batch = 1\nsend_ahead = false\n"
                 "inputs = [\"source\"]\n";
    return run(test::deltas_scenario(stage), test::constant_gaps(10, 1),
               clock);
  }

  /// The death ended the run: it says who died, and every request sent
  /// ended exactly once, the unfinished ones failed as aborted (all of them
  /// when the sink, which held the outcomes, died).
  static void check_aborted(const run_result& r,
                            const std::string& who = "replica 0 of stage "
                                                     "'flaky'",
                            uint64_t completed_before = 2) {
    BOOST_TEST_MESSAGE(r.interruption);
    BOOST_CHECK(r.interruption.find(who + " died") != std::string::npos);
    BOOST_CHECK(r.interruption.find("in flight") != std::string::npos);
    BOOST_REQUIRE_GE(r.outcomes.sent, 3u);
    check_conserved(r, r.outcomes.sent);
    uint64_t completed = 0;
    for (const auto& rec : r.outcomes.records) {
      if (rec.kind == outcome_kind::completed) {
        ++completed;
        continue;
      }
      BOOST_CHECK(rec.kind == outcome_kind::failed);
      BOOST_CHECK(rec.reason == errc::aborted);
    }
    BOOST_CHECK_EQUAL(completed, completed_before);
  }

  static void check_conserved(const run_result& r, uint64_t sent) {
    BOOST_CHECK_EQUAL(r.outcomes.sent, sent);
    BOOST_REQUIRE_EQUAL(r.outcomes.records.size(), sent);
    for (uint64_t id = 0; id < sent; ++id)
      BOOST_REQUIRE_EQUAL(r.outcomes.records[id].req.id, id);
  }
};

const std::string two_branches_and_join = R"(
[[stages]]
name = "quick"
model = "fast"
hardware = "CPU"
inputs = ["source"]
[[stages]]
name = "careful"
model = "slow"
hardware = "CPU"
inputs = ["source"]
[[stages]]
name = "both"
kind = "join"
inputs = ["quick", "careful"]
)";

} // namespace

BOOST_FIXTURE_TEST_SUITE(graph_in_virtual_time, fixture)

BOOST_AUTO_TEST_CASE(below_capacity_latency_is_exactly_the_service_time) {
  // One request every 15 ms, s(1) = 10 ms: nobody ever waits.
  auto r = run(test::deltas_scenario(test::one_fast_stage),
               test::constant_gaps(200, 15));
  check_conserved(r, 200);
  for (const auto& rec : r.outcomes.records) {
    BOOST_REQUIRE(rec.kind == outcome_kind::completed);
    BOOST_REQUIRE_EQUAL(latency_ms(rec), 10.0);
    BOOST_REQUIRE_EQUAL(rec.req.trace.at(1).batch_size, 1u);
  }
}

BOOST_AUTO_TEST_CASE(a_chain_adds_service_times) {
  auto r = run(test::deltas_scenario(std::string{test::one_fast_stage} + R"(
[[stages]]
name = "b"
model = "slow"
hardware = "CPU"
inputs = ["a"]
)"),
               test::constant_gaps(50, 45));
  check_conserved(r, 50);
  for (const auto& rec : r.outcomes.records)
    BOOST_REQUIRE_EQUAL(latency_ms(rec), 50.0);
}

BOOST_AUTO_TEST_CASE(an_idle_replica_takes_the_whole_queue_at_once) {
  // Five requests 1 ms apart: the first is served alone (10 ms); the other
  // four queue meanwhile and leave together as one batch of 4 (20 ms).
  auto r = run(test::deltas_scenario(test::one_fast_stage),
               test::constant_gaps(5, 1));
  check_conserved(r, 5);
  BOOST_CHECK_EQUAL(latency_ms(r.outcomes.records[0]), 10.0);
  for (size_t id = 1; id < 5; ++id) {
    const auto& rec = r.outcomes.records[id];
    BOOST_CHECK_EQUAL(rec.req.trace.at(1).batch_size, 4u);
    BOOST_CHECK_EQUAL(latency_ms(rec), 10.0 + 20.0 - double(id));
  }
}

BOOST_AUTO_TEST_CASE(a_join_waits_for_both_branches) {
  auto r = run(test::deltas_scenario(two_branches_and_join),
               test::constant_gaps(20, 100));
  check_conserved(r, 20);
  for (const auto& rec : r.outcomes.records) {
    BOOST_REQUIRE(rec.kind == outcome_kind::completed);
    // max(10 ms, 40 ms): the slow branch decides.
    BOOST_REQUIRE_EQUAL(latency_ms(rec), 40.0);
    BOOST_REQUIRE_EQUAL(rec.req.trace.size(), 4u); // client, 2 branches, join
  }
}

BOOST_AUTO_TEST_CASE(overload_drops_and_every_request_ends_once) {
  // 1,000 requests 1 ms apart into a stage that serves at most 200 q/s with
  // room for 8 in its queue.
  auto stage = R"(
[[stages]]
name = "a"
model = "fast"
hardware = "CPU"
max_batch = 4
queue_capacity = 8
inputs = ["source"]
)";
  auto r = run(test::deltas_scenario(stage), test::constant_gaps(1000, 1));
  check_conserved(r, 1000);
  auto s = summarize(load_scenario(dir.path("s.toml")), r);
  BOOST_CHECK_GT(s.dropped, 500u);
  BOOST_CHECK_EQUAL(s.completed + s.dropped + s.failed, 1000u);
  BOOST_CHECK_EQUAL(s.drop_reasons["queue_full"], s.dropped);
  BOOST_CHECK_EQUAL(s.stages[0].dropped, s.dropped);
  // The completed ones met a fine P99; over all sent, drops are late.
  BOOST_CHECK_LT(s.latency_ms.p99, 100);
  BOOST_CHECK(std::isinf(s.p99_all_ms));
}

BOOST_AUTO_TEST_CASE(drops_on_one_branch_still_end_the_request_once) {
  // The slow branch holds two requests at most and drops what cannot meet
  // its 60 ms deadline; the quick branch keeps up.
  auto stages = std::string{two_branches_and_join};
  stages.insert(stages.find("model = \"slow\""),
                "queue_capacity = 2\ndrop = \"deadline\"\n");
  auto text = test::deltas_scenario(stages, 60);
  auto r = run(text, test::constant_gaps(500, 12));
  check_conserved(r, 500);
  auto s = summarize(load_scenario(dir.path("s.toml")), r);
  BOOST_CHECK_GT(s.dropped, 0u);
  BOOST_CHECK_GT(s.completed, 0u);
  BOOST_CHECK_EQUAL(s.completed + s.dropped + s.failed, 500u);
  // A request served by the slow branch finished before its deadline there,
  // and the quick branch never waits at 12 ms gaps.
  for (const auto& rec : r.outcomes.records)
    if (rec.kind == outcome_kind::completed)
      BOOST_REQUIRE_LE(latency_ms(rec), 60.0);
}

BOOST_AUTO_TEST_CASE(same_scenario_and_seed_give_identical_outputs) {
  std::string text = R"(name = "det"
slo_ms = 100
seed = 7
[workload]
kind = "gamma"
rate_qps = 150
cv = 4
count = 3000
)";
  text += test::test_models;
  text += two_branches_and_join;
  auto sc = load_scenario(dir.write("s.toml", text));
  auto write = [&](const std::string& name, std::optional<uint64_t> seed) {
    run_options opts;
    opts.seed = seed;
    auto r = run_scenario(sc, opts);
    auto s = summarize(sc, r);
    s.wall_s = 0;
    write_summary_json(s, dir.path(name + ".json"));
    write_requests_csv(sc, r.outcomes, dir.path(name + ".csv"));
  };
  write("one", std::nullopt);
  write("two", std::nullopt);
  write("other", 8);
  BOOST_CHECK(test::read_file(dir.path("one.csv"))
              == test::read_file(dir.path("two.csv")));
  BOOST_CHECK(test::read_file(dir.path("one.json"))
              == test::read_file(dir.path("two.json")));
  BOOST_CHECK(test::read_file(dir.path("one.csv"))
              != test::read_file(dir.path("other.csv")));
}

BOOST_AUTO_TEST_CASE(lognormal_service_times_follow_the_profile_and_repeat) {
  // One request every 100 ms on a model of mean 10 ms and p99 25 ms at
  // batch size 1: nobody waits, so each latency is one draw.
  auto text = one_model_scenario("service_time = \"lognormal\"\n",
                                 "rows = [[1, 25.0, 100.0]]");
  auto latencies = [&](const std::string& scenario) {
    std::vector<double> xs;
    for (const auto& rec : run(scenario, test::constant_gaps(5000, 100))
                             .outcomes.records)
      xs.push_back(latency_ms(rec));
    return xs;
  };
  auto xs = latencies(text);
  BOOST_CHECK(xs == latencies(text));
  double mean = 0;
  for (double x : xs)
    mean += x / double(xs.size());
  std::sort(xs.begin(), xs.end());
  BOOST_CHECK_CLOSE(mean, 10.0, 3.0);
  BOOST_CHECK_CLOSE(xs[xs.size() * 99 / 100], 25.0, 6.0);
  // The mean model: every batch takes the mean.
  std::string mean_text = text;
  mean_text.replace(mean_text.find("lognormal"), 9, "mean");
  for (double x : latencies(mean_text))
    BOOST_REQUIRE_EQUAL(x, 10.0);
}

BOOST_AUTO_TEST_CASE(a_batch_after_an_idle_wait_takes_the_idle_time) {
  // 10 ms right after another batch, 20 ms after an idle wait; three
  // requests at once, then one 100 ms later.
  auto text = one_model_scenario("", "rows = [[1, 10.0, 100.0]]\n"
                                     "  idle_rows = [[1, 20.0, 50.0]]");
  // Each line is the gap after a request.
  auto r = run(text, "0\n0\n100\n0\n");
  std::vector<double> finished;
  for (const auto& rec : r.outcomes.records)
    finished.push_back(double((rec.finish).count()) / 1e6);
  std::sort(finished.begin(), finished.end());
  // Idle, then two queued, then idle again.
  BOOST_CHECK(finished == (std::vector<double>{20, 30, 40, 120}));
}

BOOST_AUTO_TEST_CASE(summaries_count_what_the_records_say) {
  auto r = run(test::deltas_scenario(test::one_fast_stage, 25),
               test::constant_gaps(5, 1));
  auto s = summarize(load_scenario(dir.path("s.toml")), r);
  BOOST_CHECK_EQUAL(s.sent, 5u);
  BOOST_CHECK_EQUAL(s.completed, 5u);
  // Latencies 10, 29, 28, 27, 26 ms: only the first is within 25 ms.
  BOOST_CHECK_CLOSE(s.slo_attainment, 0.2, 1e-9);
  BOOST_CHECK_EQUAL(s.latency_ms.max, 29.0);
  BOOST_CHECK_EQUAL(s.latency_ms.p50, 27.0);
  BOOST_CHECK_EQUAL(s.stages[0].batch_sizes.at(1), 1u);
  BOOST_CHECK_EQUAL(s.stages[0].batch_sizes.at(4), 1u);
  BOOST_CHECK_GT(s.events, 10u);
  // Busy 30 ms out of 30 ms (first arrival 0 to last end 30).
  BOOST_CHECK_CLOSE(s.stages[0].utilisation, 1.0, 1e-6);
}

// Cancelled (Ctrl-C) at the first poll: the client stops, and every request
// sent ends once, those still in flight dropped as cancelled.
BOOST_AUTO_TEST_CASE(a_cancelled_run_ends_every_request_it_sent) {
  dir.write("gaps.deltas", test::constant_gaps(50000, 1));
  auto text = test::deltas_scenario(test::one_fast_stage);
  auto sc = load_scenario(dir.write("s.toml", text));
  run_options opts;
  opts.cancelled = [] { return true; };
  auto r = run_scenario(sc, opts);
  BOOST_CHECK(r.cancelled);
  BOOST_CHECK(r.interruption.find("cancelled at") != std::string::npos);
  BOOST_CHECK_LT(r.outcomes.sent, 50000u);
  BOOST_CHECK_GT(r.outcomes.sent, 0u);
  check_conserved(r, r.outcomes.sent);
  uint64_t cancelled = 0;
  for (const auto& rec : r.outcomes.records)
    if (rec.kind != outcome_kind::completed) {
      BOOST_CHECK(rec.kind == outcome_kind::dropped);
      BOOST_CHECK(rec.reason == errc::cancelled);
      ++cancelled;
    }
  BOOST_CHECK_GT(cancelled, 0u);
}

// Request 2 (at 2 ms) is the dying replica's 3rd batch: three were sent.
BOOST_AUTO_TEST_CASE(a_replica_that_dies_ends_the_run_with_an_error) {
  auto r = run_with_a_death(clock_kind::virtual_time);
  check_aborted(r);
  BOOST_CHECK_EQUAL(r.outcomes.sent, 3u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(graph_in_real_time, fixture)

BOOST_AUTO_TEST_CASE(a_cancelled_run_ends_every_request_it_sent) {
  dir.write("gaps.deltas", test::constant_gaps(5000, 1));
  auto text = test::deltas_scenario(test::one_fast_stage);
  auto sc = load_scenario(dir.write("s.toml", text));
  run_options opts;
  opts.clock = clock_kind::real_time;
  opts.cancelled = [] { return true; };
  opts.grace = std::chrono::milliseconds(100);
  auto r = run_scenario(sc, opts);
  BOOST_CHECK(r.cancelled);
  BOOST_CHECK_LT(r.outcomes.sent, 5000u);
  check_conserved(r, r.outcomes.sent);
  for (const auto& rec : r.outcomes.records)
    if (rec.kind != outcome_kind::completed)
      BOOST_CHECK(rec.reason == errc::cancelled);
}

// Regression: a real-time run whose replica, frontend or sink died waited
// forever.
BOOST_AUTO_TEST_CASE(a_replica_that_dies_ends_the_run_with_an_error) {
  check_aborted(run_with_a_death(clock_kind::real_time));
}

BOOST_AUTO_TEST_CASE(a_frontend_that_dies_ends_the_run_with_an_error) {
  check_aborted(run_with_a_death(clock_kind::real_time, "frontend_killer"),
                "the frontend of stage 'flaky'");
}

BOOST_AUTO_TEST_CASE(a_sink_that_dies_ends_the_run_with_an_error) {
  check_aborted(run_with_a_death(clock_kind::real_time, "sink_killer"),
                "the sink", 0);
}

BOOST_AUTO_TEST_CASE(a_short_real_run_ends_every_request) {
  auto r = run(test::deltas_scenario(two_branches_and_join),
               test::constant_gaps(40, 2), clock_kind::real_time);
  check_conserved(r, 40);
  for (const auto& rec : r.outcomes.records)
    BOOST_CHECK(rec.kind == outcome_kind::completed);
  BOOST_CHECK_GT(r.events, 40u);
}

BOOST_AUTO_TEST_SUITE_END()
