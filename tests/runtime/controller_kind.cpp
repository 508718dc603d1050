// A frontend that hands its dispatch decisions to a controller: a fake one,
// registered from the test, picks a branch subset per batch; joins and the
// sink wait only for the branches each request was sent to.

#include <boost/test/unit_test.hpp>

#include <caf/typed_event_based_actor.hpp>

#include "runtime/controller_kind.hpp"
#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

/// Routes over the successors a (bit 0), b (bit 1) and c (bit 2), in turn:
/// {a}, {b, c}, {a, b, c} and {} (no branch at all).
const uint64_t route_cycle[] = {0b001, 0b110, 0b111, 0b000};

/// How many questions the controller of this process answered.
uint64_t questions = 0;

using decide_fn = dispatch_decision (*)(const dispatch_query&);

/// A controller that answers the run protocol and counts the questions
/// that `decide` answers.
controller_actor::behavior_type counting_controller(controller_actor::pointer,
                                                    decide_fn decide) {
  return {
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [](run_start) {},
    [](atoms::events_atom) { return questions; },
    [decide](dispatch_query& q) {
      auto d = decide(q);
      ++questions;
      return d;
    },
  };
}

dispatch_decision cycling(const dispatch_query& q) {
  dispatch_decision d;
  d.batch_size = 1;
  d.worker = q.idle_workers.front();
  d.routes = {route_cycle[questions % 4]};
  return d;
}

/// Dispatches only at multiples of 100 ms, everything queued; in between
/// it tells the frontend to wait, firmly, for the next multiple.
dispatch_decision gridded(const dispatch_query& q) {
  constexpr caf::timespan grid = std::chrono::milliseconds(100);
  auto past = q.now % grid;
  dispatch_decision d;
  if (past.count() != 0) {
    d.retry_after = grid - past;
    d.firm = true;
    return d;
  }
  d.batch_size = q.max_batch;
  return d;
}

/// Never serves: every answer is a firm wait of one second.
dispatch_decision stubborn(const dispatch_query&) {
  dispatch_decision d;
  d.retry_after = std::chrono::seconds(1);
  d.firm = true;
  return d;
}

/// Registers a controller kind named `name`, once per process.
void register_once(const std::string& name, decide_fn decide) {
  if (find_controller_kind(name))
    return;
  controller_kind k;
  k.name = name;
  k.spawn = [decide](const controller_spawn_context& ctx) {
    return ctx.sys.spawn(counting_controller, decide);
  };
  register_controller_kind(std::move(k));
}

struct fixture {
  test::temp_dir dir;

  fixture() {
    questions = 0;
    register_once("cycling", cycling);
    register_once("gridded", gridded);
    register_once("stubborn", stubborn);
  }
};

const char* fork_and_join = R"(
[[stages]]
name = "front"
kind = "noop"
max_batch = 4
controller = "cycling"
decision_ms = 5
inputs = ["source"]
[[stages]]
name = "a"
model = "fast"
hardware = "CPU"
inputs = ["front"]
[[stages]]
name = "b"
model = "fast"
hardware = "CPU"
inputs = ["front"]
[[stages]]
name = "c"
model = "slow"
hardware = "CPU"
inputs = ["front"]
[[stages]]
name = "all"
kind = "join"
inputs = ["a", "b", "c"]
)";

/// One noop stage whose dispatches `controller` decides.
std::string controlled_stage(const std::string& controller,
                             int max_batch) {
  return "[[stages]]\nname = \"front\"\nkind = \"noop\"\nmax_batch = "
         + std::to_string(max_batch) + "\ncontroller = \"" + controller
         + "\"\ninputs = [\"source\"]\n";
}

bool visited(const request& req, stage_id stage) {
  for (const auto& v : req.trace)
    if (v.stage == stage)
      return true;
  return false;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(controllers, fixture)

BOOST_AUTO_TEST_CASE(a_controller_routes_each_batch_to_a_subset_of_branches) {
  dir.write("gaps.deltas", test::constant_gaps(12, 100));
  auto sc = load_scenario(dir.write("s.toml",
                                    test::deltas_scenario(fork_and_join)));
  auto run = run_scenario(sc, run_options{});
  BOOST_REQUIRE_EQUAL(run.outcomes.records.size(), 12u);
  BOOST_CHECK_EQUAL(questions, 12u);
  auto summary = summarize(sc, run);
  BOOST_CHECK_EQUAL(summary.completed, 9u);
  BOOST_CHECK_EQUAL(summary.dropped, 3u);
  BOOST_CHECK_EQUAL(summary.drop_reasons["no_route"], 3u);
  for (const auto& rec : run.outcomes.records) {
    BOOST_TEST_CONTEXT("request " << rec.req.id) {
      auto route = route_cycle[rec.req.id % 4];
      if (route == 0) {
        BOOST_CHECK(rec.kind == outcome_kind::dropped);
        BOOST_CHECK(rec.reason == errc::no_route);
        continue;
      }
      BOOST_REQUIRE(rec.kind == outcome_kind::completed);
      for (stage_id branch : {1, 2, 3})
        BOOST_CHECK_EQUAL(visited(rec.req, branch),
                          ((route >> (branch - 1)) & 1) != 0);
      BOOST_CHECK(visited(rec.req, 4)); // the join
      // The decision takes 5 ms, then a (10 ms) or c (40 ms) serve it.
      auto latency = rec.finish - rec.req.arrival;
      auto expected = route & 0b100 ? std::chrono::milliseconds(45)
                                    : std::chrono::milliseconds(15);
      BOOST_CHECK(latency == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_firm_wait_asks_nothing_until_it_is_over) {
  // 1,000 arrivals 1 ms apart: the frontend asks at the first arrival after
  // a dispatch, then not again until the next 100 ms (without the firm
  // flag it would ask at every arrival: over 1,000 questions).
  dir.write("gaps.deltas", test::constant_gaps(1000, 1));
  auto sc = load_scenario(dir.write(
    "s.toml", test::deltas_scenario(controlled_stage("gridded", 1000))));
  auto run = run_scenario(sc, run_options{});
  auto summary = summarize(sc, run);
  BOOST_CHECK_EQUAL(summary.completed, 1000u);
  BOOST_CHECK_LE(questions, 40u);
  // Each request waited for the next multiple of 100 ms (none when it
  // arrived on one).
  constexpr caf::timespan grid = std::chrono::milliseconds(100);
  for (const auto& rec : run.outcomes.records) {
    auto latency = rec.finish - rec.req.arrival;
    BOOST_CHECK(latency == (grid - rec.req.arrival % grid) % grid);
  }
}

BOOST_AUTO_TEST_CASE(a_run_whose_requests_are_held_forever_stops_as_stalled) {
  // Two requests of a pipeline whose controller never serves: after the
  // stall limit (here 100 simulated seconds) without an end, both fail as
  // stalled, and the run says why.
  dir.write("gaps.deltas", test::constant_gaps(2, 10));
  auto sc = load_scenario(dir.write(
    "s.toml", test::deltas_scenario(controlled_stage("stubborn", 4))));
  run_options options;
  options.stall_after = std::chrono::seconds(100);
  auto run = run_scenario(sc, options);
  auto summary = summarize(sc, run);
  BOOST_CHECK_EQUAL(summary.sent, 2u);
  BOOST_CHECK_EQUAL(summary.failed, 2u);
  for (const auto& rec : run.outcomes.records) {
    BOOST_CHECK(rec.reason == errc::stalled);
    // Stopped within a sixteenth of the limit after it was reached.
    BOOST_CHECK(rec.finish >= std::chrono::seconds(100));
    BOOST_CHECK(rec.finish <= std::chrono::seconds(108));
  }
  BOOST_CHECK(run.interruption.find("stalled") != std::string::npos);
  // About one question per simulated second until then.
  BOOST_CHECK_LE(questions, 110u);
}

BOOST_AUTO_TEST_CASE(an_unknown_controller_is_named_with_the_known_ones) {
  dir.write("gaps.deltas", test::constant_gaps(1, 1));
  std::string stages = fork_and_join;
  stages.replace(stages.find("\"cycling\""), 9, "\"nonesuch\"");
  BOOST_CHECK_EXCEPTION(
    load_scenario(dir.write("s.toml", test::deltas_scenario(stages))),
    std::exception, [](const std::exception& err) {
      std::string what = err.what();
      return what.find("stages.front.controller") != std::string::npos
             && what.find("cycling") != std::string::npos;
    });
}

BOOST_AUTO_TEST_SUITE_END()
