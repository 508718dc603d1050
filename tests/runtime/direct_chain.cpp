// The direct chain (runtime/direct_chain.hpp) against the actor graph in
// virtual time: every request's latency must be the graph's, to the
// nanosecond, whatever the batching, routing, dropping, service-time model
// and provisioning.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "runtime/direct_chain.hpp"
#include "runtime/runner.hpp"
#include "runtime/stage_kind.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// Three stages with idle rows (a pass after an idle wait is slower), under
/// bursty arrivals; the stage keys are filled in per case.
std::string chain_text(const std::string& stage_keys,
                       const std::string& top_keys) {
  return R"(
name = "direct"
slo_ms = 120
seed = 5
)" + top_keys + R"(
[workload]
kind = "gamma"
rate_qps = 150
cv = 4
count = 3000
[[models]]
name = "m"
  [[models.profiles]]
  hardware = "cpu"
  cost = 1
  rows = [[1, 6.0, 200.0], [4, 12.0, 450.0], [8, 20.0, 600.0]]
  idle_rows = [[1, 9.0, 150.0], [4, 15.0, 380.0], [8, 24.0, 520.0]]
[[stages]]
name = "a"
model = "m"
hardware = "cpu"
inputs = ["source"]
replicas = 2
max_batch = 4
)" + stage_keys + R"(
[[stages]]
name = "b"
model = "m"
hardware = "cpu"
inputs = ["a"]
replicas = 1
max_batch = 8
)" + stage_keys + R"(
[[stages]]
name = "c"
model = "m"
hardware = "cpu"
inputs = ["b"]
replicas = 3
max_batch = 2
)" + stage_keys;
}

void check_same_latencies(const std::string& text) {
  test::temp_dir dir;
  auto sc = load_scenario(dir.write("chain.toml", text));
  BOOST_REQUIRE(runs_as_direct_chain(sc));
  auto arrivals = make_arrivals(sc, sc.seed);
  run_options options;
  options.arrivals = std::make_shared<const arrival_times>(arrivals);
  auto run = run_scenario(sc, options);
  auto direct = direct_chain_latencies(sc, arrivals,
                                       std::numeric_limits<size_t>::max());
  BOOST_REQUIRE(direct);
  BOOST_REQUIRE_EQUAL(direct->size(), arrivals.size());
  size_t same = 0;
  size_t completed = 0;
  for (const auto& rec : run.outcomes.records) {
    double graph = rec.kind == outcome_kind::completed
                     ? to_ms(rec.finish - rec.req.arrival)
                     : std::numeric_limits<double>::infinity();
    completed += rec.kind == outcome_kind::completed;
    same += (*direct)[rec.req.id] == graph;
  }
  BOOST_CHECK_EQUAL(run.outcomes.records.size(), arrivals.size());
  BOOST_CHECK_EQUAL(same, arrivals.size());
  // The case exercises serving, not only drops.
  BOOST_CHECK_GT(completed, arrivals.size() / 2);
}

} // namespace

BOOST_AUTO_TEST_SUITE(direct_chains)

BOOST_AUTO_TEST_CASE(greedy_batches_match_the_graph) {
  check_same_latencies(chain_text("", ""));
}

BOOST_AUTO_TEST_CASE(round_robin_and_lognormal_service_match_the_graph) {
  check_same_latencies(chain_text("routing = \"round_robin\"\n",
                                  "service_time = \"lognormal\"\n"));
}

BOOST_AUTO_TEST_CASE(batches_that_wait_match_the_graph) {
  check_same_latencies(chain_text("batching = \"fill\"\n", ""));
  check_same_latencies(chain_text(
    "batching = \"delay\"\nmax_queue_delay_ms = 3\n", ""));
  check_same_latencies(chain_text("batching = \"deadline\"\n", ""));
  check_same_latencies(chain_text("batching = \"aimd\"\n", ""));
}

BOOST_AUTO_TEST_CASE(drops_match_the_graph) {
  check_same_latencies(chain_text("drop = \"deadline\"\n", ""));
  check_same_latencies(chain_text("drop = \"estimate\"\n", ""));
  check_same_latencies(chain_text("queue_capacity = 5\n", ""));
}

BOOST_AUTO_TEST_CASE(a_modelled_handoff_matches_the_graph) {
  // Each batch arrives and leaves one hand-off later; batches sent ahead
  // start without one. The client's requests reach the first stage one
  // client hop after they are sent, and its timer fires late.
  auto with_handoff = [&](const std::string& keys,
                          const std::string& top = "",
                          const std::string& p99 = "") {
    auto t = chain_text(keys, top);
    auto at = t.find("  idle_rows");
    return t.insert(at, "  handoff_ms = 0.4\n  client_hop_ms = 0.1\n"
                        "  timer_late_ms = 0.05\n" + p99);
  };
  check_same_latencies(with_handoff(""));
  check_same_latencies(with_handoff("routing = \"round_robin\"\n"));
  check_same_latencies(with_handoff("drop = \"estimate\"\n"));
  // Hand-offs drawn with the service times, in the same order, sharing the
  // machine's spell at the same moments.
  auto drawn = [&](const std::string& keys) {
    return with_handoff(keys, "service_time = \"lognormal\"\n",
                        "  handoff_p99_ms = 1.5\n"
                        "  client_hop_p99_ms = 0.9\n"
                        "  timer_late_p99_ms = 0.3\n"
                        "  spell_share = 0.5\n  spell_ms = 20\n");
  };
  check_same_latencies(drawn(""));
  check_same_latencies(drawn("routing = \"round_robin\"\n"));
  check_same_latencies(drawn("drop = \"estimate\"\n"));
  // The first request finds every stage idle: two hand-offs per stage more,
  // and the client's hop to the first (its timer is late for the next
  // arrival, not the first, due at the run's start).
  test::temp_dir dir;
  auto first_latency = [&](const std::string& text) {
    auto sc = load_scenario(dir.write("h.toml", text));
    auto arrivals = make_arrivals(sc, sc.seed);
    return direct_chain_latencies(sc, arrivals,
                                  std::numeric_limits<size_t>::max())
      ->front();
  };
  BOOST_CHECK_CLOSE(first_latency(with_handoff("")) - first_latency(
                      chain_text("", "")),
                    0.1 + 3 * 2 * 0.4, 1e-6);
  auto all_latencies = [&](const std::string& text) {
    auto sc = load_scenario(dir.write("w.toml", text));
    return *direct_chain_latencies(sc, make_arrivals(sc, sc.seed),
                                   std::numeric_limits<size_t>::max());
  };
  // Wake-ups: each replica's core keeps its poll window alike in both; the
  // scheduler's core is one for the run, told alike by the client and the
  // frontends. Either changes what a batch pays.
  for (auto prefix : {"", "scheduler_"}) {
    BOOST_TEST_CONTEXT(prefix << "wake_curve") {
      auto woken = [&](const std::string& keys) {
        return with_handoff(keys, "",
                            fmt::format("  {0}wake_curve = [[0, 0.1], [0.5, "
                                        "0.3], [5, 0.6]]\n"
                                        "  {0}polled_handoff_ms = 0.05\n"
                                        "  {0}poll_longest_ms = 2\n",
                                        prefix));
      };
      check_same_latencies(woken(""));
      check_same_latencies(woken("routing = \"round_robin\"\n"));
      BOOST_CHECK(all_latencies(woken("")) != all_latencies(with_handoff("")));
    }
  }
  // The client's hop and timer are the root stage's profile's.
  auto hop = client_hop_for(load_scenario(dir.write("h.toml", drawn(""))), 5);
  BOOST_CHECK(hop.time == (handoff_time{100us, 900us}));
  BOOST_CHECK(hop.timer_late == (handoff_time{50us, 300us}));
  // The machine's spell too, for the client and each replica, all with
  // the run's one spell seed.
  auto sc = load_scenario(dir.write("h.toml", drawn("")));
  auto replica = replica_spec_options(sc, 1, 0, 5).service_time;
  BOOST_CHECK(hop.draws.spell == (spell_time{0.5, 20ms}));
  BOOST_CHECK(replica.spell == (spell_time{0.5, 20ms}));
  BOOST_CHECK_EQUAL(replica.spell_seed, hop.draws.spell_seed);
  BOOST_CHECK_NE(replica.seed, hop.draws.seed);
}

BOOST_AUTO_TEST_CASE(stalls_match_the_graph_and_lengthen_the_tail) {
  // Drawn hand-offs and passes; with stalls, each replica's core and the
  // client's stall on a path of their own.
  auto drawn = [&](const std::string& keys, const std::string& stalls) {
    auto t = chain_text(keys, "service_time = \"lognormal\"\n");
    auto at = t.find("  idle_rows");
    return t.insert(at, "  handoff_ms = 0.4\n  handoff_p99_ms = 1.5\n"
                        "  client_hop_ms = 0.1\n  client_hop_p99_ms = 0.9\n"
                        + stalls);
  };
  // Five a second of 10 to 40 ms: about 12% of each core.
  auto stalled = "  stall_per_s = 5\n  stall_ms = [10, 20, 30, 40]\n";
  check_same_latencies(drawn("", stalled));
  check_same_latencies(drawn("routing = \"round_robin\"\n", stalled));
  check_same_latencies(drawn("drop = \"estimate\"\n", stalled));
  // And in bursts: half the gaps 5 ms, three in a row.
  auto bursty = std::string{stalled}
                + "  stall_burst_share = 0.5\n  stall_burst_gap_ms = 5\n"
                  "  stall_burst_gaps = 3\n";
  check_same_latencies(drawn("", bursty));
  test::temp_dir dir;
  auto p99 = [&](const std::string& text) {
    auto sc = load_scenario(dir.write("s.toml", text));
    auto arrivals = make_arrivals(sc, sc.seed);
    auto latencies = *direct_chain_latencies(
      sc, arrivals, std::numeric_limits<size_t>::max());
    std::sort(latencies.begin(), latencies.end());
    return latencies[latencies.size() * 99 / 100];
  };
  // A request that meets a stall waits for it, and so do those behind it.
  BOOST_CHECK_GT(p99(drawn("", stalled)), p99(drawn("", "")) + 10);
  // Stalls close together hold the requests behind them longer (135 ms
  // against 108 ms here; 190 ms before a replica kept busy by a burst met
  // fewer of the burst's stalls, models/recent_sleep.hpp).
  BOOST_CHECK_GT(p99(drawn("", bursty)), 1.15 * p99(drawn("", stalled)));
  // Wake stalls: a wake-up past the poll (200 us or more) stalls one time
  // in ten, for 10 to 40 ms, on each replica's core and on the
  // scheduler's; drawn alike in both, and the tail lengthens.
  for (auto prefix : {"", "scheduler_"}) {
    BOOST_TEST_CONTEXT(prefix << "wake_stall_share") {
      auto woken = drawn("", fmt::format("  {0}wake_curve = [[0, 0.1], "
                                         "[0.5, 0.3]]\n"
                                         "  {0}wake_stall_share = 0.1\n"
                                         "  {0}wake_stall_ms = [10, 40]\n",
                                         prefix));
      check_same_latencies(woken);
      check_same_latencies(drawn("routing = \"round_robin\"\n",
                                 fmt::format("  {0}wake_curve = [[0, 0.1]]\n"
                                             "  {0}wake_stall_share = 0.1\n"
                                             "  {0}wake_stall_ms = [10, 40]\n",
                                             prefix)));
      BOOST_CHECK_GT(p99(woken), p99(drawn("", "")) + 10);
    }
  }
  // The client and every replica get the root profile's stalls, each
  // replica on its own path (its own seed).
  auto sc = load_scenario(dir.write("s.toml", drawn("", stalled)));
  auto hop = client_hop_for(sc, 5);
  auto first = replica_spec_options(sc, 0, 0, 5).service_time;
  auto second = replica_spec_options(sc, 0, 1, 5).service_time;
  BOOST_CHECK(hop.draws.stalls.per_s == 5);
  BOOST_CHECK(first.stalls == hop.draws.stalls);
  BOOST_CHECK(second.stalls == hop.draws.stalls);
  BOOST_CHECK_NE(first.seed, second.seed);
}

BOOST_AUTO_TEST_CASE(only_chains_of_model_stages_run_directly) {
  test::temp_dir dir;
  auto text = chain_text("", "");
  BOOST_CHECK(runs_as_direct_chain(load_scenario(dir.write("a.toml", text))));
  auto with_join = text + R"(
[[stages]]
name = "side"
model = "m"
hardware = "cpu"
inputs = ["source"]
[[stages]]
name = "join"
kind = "join"
inputs = ["c", "side"]
)";
  BOOST_CHECK(
    !runs_as_direct_chain(load_scenario(dir.write("b.toml", with_join))));
}

BOOST_AUTO_TEST_SUITE_END()
