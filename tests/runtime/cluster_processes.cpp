// Cluster mode for real: `troupe node` processes on loopback host the
// replicas of a run in this process (the coordinator). Each test is bounded
// in time (a few seconds of workload) and asserts on counts and events,
// never on latencies.

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <optional>

#include "models/durations.hpp"
#include "runtime/cluster_report.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tiny_zoo.hpp"

using namespace troupe;

namespace {

struct fixture {
  test::temp_dir dir;
  uint16_t port_a = test::free_port();
  uint16_t port_b = test::free_port();
  /// On both sides of each connection. Longer than the 500 ms default: on
  /// a loaded machine (a sanitizer build, with other suites beside it) a
  /// healthy node could miss its heartbeats that long and count as lost.
  int connection_timeout_ms = 2000;

  /// Stage "first" has 4 replicas on nodes a and b (slots 0 and 2 on a),
  /// stage "second" one replica here; `count` requests 5 ms apart.
  scenario cluster_scenario(size_t count) {
    dir.write("gaps.deltas", test::constant_gaps(count, 5));
    auto text = test::deltas_scenario(
      "[[nodes]]\nname = \"a\"\naddress = \"127.0.0.1:" + std::to_string(port_a)
      + "\"\n[[nodes]]\nname = \"b\"\naddress = \"127.0.0.1:"
      + std::to_string(port_b) + "\"\n" + R"(
[[stages]]
name = "first"
model = "fast"
hardware = "CPU"
max_batch = 4
replicas = 4
nodes = ["a", "b"]
inputs = ["source"]

[[stages]]
name = "second"
model = "fast"
hardware = "CPU"
max_batch = 4
inputs = ["first"]
)");
    return load_scenario(dir.write("cluster.toml", text));
  }

  std::unique_ptr<test::node_process>
  start(const std::string& name, uint16_t port,
        std::vector<std::string> extra = {}) {
    extra.push_back("--connection-timeout");
    extra.push_back(std::to_string(connection_timeout_ms));
    return std::make_unique<test::node_process>(
      name, port, dir.path(name + "-" + std::to_string(port) + ".log"),
      std::move(extra));
  }

  run_options real_time() const {
    run_options opts;
    opts.clock = clock_kind::real_time;
    opts.threads = 2;
    opts.ready_timeout = std::chrono::seconds(30);
    opts.network.set_connection_timeout(
      std::chrono::milliseconds(connection_timeout_ms));
    return opts;
  }

  /// Every request sent ended once; returns the counts by outcome.
  static std::array<uint64_t, 3> check_counts(const run_result& r,
                                              uint64_t sent) {
    std::array<uint64_t, 3> counts{0, 0, 0};
    BOOST_CHECK_EQUAL(r.outcomes.sent, sent);
    BOOST_REQUIRE_EQUAL(r.outcomes.records.size(), sent);
    for (uint64_t id = 0; id < sent; ++id) {
      BOOST_CHECK_EQUAL(r.outcomes.records[id].req.id, id);
      ++counts[static_cast<size_t>(r.outcomes.records[id].kind)];
    }
    return counts;
  }

  /// The run does not start: it fails with a message containing `words`.
  static void expect_refused(const scenario& sc, const run_options& opts,
                             const std::string& words) {
    try {
      run_scenario(sc, opts);
      BOOST_FAIL("the run started");
    } catch (const std::runtime_error& err) {
      std::string what = err.what();
      BOOST_TEST_MESSAGE(what);
      BOOST_CHECK_MESSAGE(what.find(words) != std::string::npos,
                          "'" << what << "' lacks '" << words << "'");
    }
  }

  static const node_event* find_event(const std::vector<node_event>& events,
                                      const std::string& node,
                                      node_event_kind what) {
    for (const auto& e : events)
      if (e.node == node && e.what == what)
        return &e;
    return nullptr;
  }

  static const node_event* find_event(const run_result& r,
                                      const std::string& node,
                                      node_event_kind what) {
    return find_event(r.cluster.events, node, what);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(cluster_processes, fixture)

BOOST_AUTO_TEST_CASE(a_pipeline_runs_across_two_node_processes) {
  auto a = start("a", port_a);
  auto b = start("b", port_b);
  auto sc = cluster_scenario(200);
  auto r = run_scenario(sc, real_time());
  auto counts = check_counts(r, 200);
  BOOST_CHECK_EQUAL(counts[0], 200u);
  BOOST_CHECK(r.cluster.events.empty());
  auto nodes = report_nodes(sc, r);
  BOOST_REQUIRE_EQUAL(nodes.size(), 2u);
  BOOST_CHECK_EQUAL(nodes[0].replicas, 2u);
  BOOST_CHECK_EQUAL(nodes[0].served + nodes[1].served, 200u);
  BOOST_CHECK_GT(nodes[0].served, 0u);
  BOOST_CHECK_GT(nodes[1].served, 0u);
}

// kill -9 of a node mid-run: its replicas' batches go to the replicas on
// the other node, and nothing is lost.
BOOST_AUTO_TEST_CASE(a_node_killed_mid_run_loses_nothing) {
  auto a = start("a", port_a);
  auto b = start("b", port_b);
  auto sc = cluster_scenario(600);
  auto opts = real_time();
  // The first progress report comes about a second in.
  opts.on_progress = [&](const run_progress&) { a->kill(); };
  auto r = run_scenario(sc, opts);
  auto counts = check_counts(r, 600);
  BOOST_CHECK_EQUAL(counts[0], 600u);
  const auto* lost = find_event(r, "a", node_event_kind::lost);
  BOOST_REQUIRE(lost != nullptr);
  BOOST_TEST_MESSAGE("node a lost at " << to_seconds(lost->when) << " s: "
                                       << lost->detail);
  auto nodes = report_nodes(sc, r);
  BOOST_CHECK_EQUAL(nodes[0].losses, 1u);
  BOOST_CHECK_EQUAL(nodes[0].replicas_lost, 2u);
  BOOST_CHECK_EQUAL(nodes[1].losses, 0u);
  // After the loss, only node b serves stage "first" (slots 1 and 3).
  for (const auto& rec : r.outcomes.records)
    for (const auto& visit : rec.req.trace)
      if (visit.stage == 0 && visit.dequeue > lost->when)
        BOOST_CHECK_EQUAL(visit.replica % 2, 1);
}

// A node that freezes keeps its sockets open: only the heartbeats tell.
BOOST_AUTO_TEST_CASE(a_frozen_node_is_noticed_by_heartbeats) {
  // The default timeout: noticed within the 3 s workload.
  connection_timeout_ms = 500;
  auto a = start("a", port_a);
  auto b = start("b", port_b);
  auto sc = cluster_scenario(600);
  auto opts = real_time();
  bool frozen = false;
  opts.on_progress = [&](const run_progress&) {
    if (!frozen)
      a->signal(SIGSTOP);
    frozen = true;
  };
  auto r = run_scenario(sc, opts);
  BOOST_CHECK_EQUAL(check_counts(r, 600)[0], 600u);
  const auto* lost = find_event(r, "a", node_event_kind::lost);
  BOOST_REQUIRE(lost != nullptr);
  BOOST_TEST_MESSAGE("frozen node a lost at " << to_seconds(lost->when)
                                              << " s: " << lost->detail);
}

// The node comes back under the same name: it rejoins and serves again.
// The run follows the progress reports, not the clock: the node is killed
// at the first, started again once its loss is reported, and the run is
// cancelled two reports after its rejoin (a node process can take seconds
// to start on a loaded machine; the workload would last 30 s).
BOOST_AUTO_TEST_CASE(a_restarted_node_rejoins_and_serves_again) {
  auto a = start("a", port_a);
  auto b = start("b", port_b);
  auto sc = cluster_scenario(6000);
  auto opts = real_time();
  bool restarted = false;
  int reports_since_rejoin = -1;
  auto reported = [](const run_progress& p, node_event_kind what) {
    return find_event(p.node_events, "a", what) != nullptr;
  };
  opts.on_progress = [&](const run_progress& p) {
    if (!restarted && !reported(p, node_event_kind::lost)) {
      a->kill();
    } else if (!restarted) {
      a = start("a", port_a);
      restarted = true;
    } else if (reported(p, node_event_kind::rejoined)) {
      ++reports_since_rejoin;
    }
  };
  opts.cancelled = [&] { return reports_since_rejoin >= 2; };
  auto r = run_scenario(sc, opts);
  for (const auto& e : r.cluster.events)
    BOOST_TEST_MESSAGE(describe(e));
  BOOST_CHECK(r.cancelled);
  auto counts = check_counts(r, r.outcomes.sent);
  BOOST_CHECK_EQUAL(counts[static_cast<size_t>(outcome_kind::failed)], 0u);
  for (const auto& rec : r.outcomes.records)
    if (rec.kind == outcome_kind::dropped)
      BOOST_CHECK(rec.reason == errc::cancelled);
  const auto* rejoined = find_event(r, "a", node_event_kind::rejoined);
  BOOST_REQUIRE(rejoined != nullptr);
  BOOST_REQUIRE(find_event(r, "a", node_event_kind::lost) != nullptr);
  uint64_t served_after = 0;
  for (const auto& rec : r.outcomes.records)
    for (const auto& visit : rec.req.trace)
      if (visit.stage == 0 && visit.replica % 2 == 0
          && visit.dequeue > rejoined->when)
        ++served_after;
  BOOST_TEST_MESSAGE(served_after << " visits served by node a after it "
                                     "rejoined, of "
                                  << r.outcomes.sent << " requests sent");
  BOOST_CHECK_GT(served_after, 0u);
}

BOOST_AUTO_TEST_CASE(a_node_with_another_name_is_refused) {
  auto a = start("not-a", port_a);
  auto b = start("b", port_b);
  expect_refused(cluster_scenario(10), real_time(),
                 "called 'not-a', not 'a'");
}

BOOST_AUTO_TEST_CASE(a_node_reachable_from_other_machines_needs_tls) {
  auto refused = [](const std::runtime_error& err) {
    BOOST_TEST_MESSAGE(err.what());
    return std::string{err.what()}.find("reachable from other machines")
           != std::string::npos;
  };
  BOOST_CHECK_EXCEPTION(test::node_process("a", "0.0.0.0:"
                                                  + std::to_string(port_a),
                                           dir.path("x.log")),
                        std::runtime_error, refused);
}

BOOST_AUTO_TEST_CASE(an_unreachable_node_fails_the_run_before_it_starts) {
  auto b = start("b", port_b);
  expect_refused(cluster_scenario(10), real_time(),
                 "node_unreachable: node 'a' at 127.0.0.1:"
                   + std::to_string(port_a));
}

// Mutual TLS with throwaway certificates: a coordinator with the cluster's
// certificate runs; one whose certificate another CA signed is refused.
BOOST_AUTO_TEST_CASE(tls_admits_the_cluster_s_certificates_only) {
  auto certs = dir.path("certs");
  std::string script
    = "set -e; mkdir -p " + certs + "; cd " + certs + "; "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
      "-days 1 -subj /CN=troupe-test-ca; "
      "for n in node coordinator; do "
      "openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr "
      "-subj /CN=$n; "
      "openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out $n.pem -days 1; done; "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout stranger.key -out "
      "stranger.pem -days 1 -subj /CN=stranger";
  BOOST_REQUIRE_EQUAL(std::system(("(" + script + ") > /dev/null 2>&1").c_str()),
                      0);
  auto tls = [&](const std::string& who) {
    return std::vector<std::string>{"--tls", "--cert", certs + "/" + who
                                    + ".pem", "--key", certs + "/" + who
                                    + ".key", "--ca", certs + "/ca.pem"};
  };
  auto a = start("a", port_a, tls("node"));
  auto b = start("b", port_b, tls("node"));
  auto sc = cluster_scenario(100);
  auto opts = real_time();
  opts.network.certificate = certs + "/coordinator.pem";
  opts.network.key = certs + "/coordinator.key";
  opts.network.ca_file = certs + "/ca.pem";
  auto r = run_scenario(sc, opts);
  BOOST_CHECK_EQUAL(check_counts(r, 100)[0], 100u);
  opts.network.certificate = certs + "/stranger.pem";
  opts.network.key = certs + "/stranger.key";
  expect_refused(sc, opts, "handshake");
}

// Model replicas on nodes load the repository's TorchScript there and serve
// the same predictions as in one process.
BOOST_AUTO_TEST_CASE(model_replicas_on_nodes_predict_as_in_one_process) {
  auto a = start("a", port_a);
  auto b = start("b", port_b);
  auto text = [&](bool placed) {
    return "name = \"torch-cluster\"\nslo_ms = 1000\nseed = 3\n"
           "repository = \"" + test::tiny_zoo::repository() + "\"\n"
           "[workload]\nkind = \"poisson\"\nrate_qps = 500\ncount = 100\n"
           "[inputs]\nimages = 100\n"
           "[[nodes]]\nname = \"a\"\naddress = \"127.0.0.1:"
           + std::to_string(port_a) + "\"\n[[nodes]]\nname = \"b\"\n"
           "address = \"127.0.0.1:" + std::to_string(port_b) + "\"\n"
           "[[stages]]\nname = \"m\"\nkind = \"torch\"\n"
           "models = [\"logreg\", \"mlp\"]\nreplicas = 2\nmax_batch = 8\n"
           + (placed ? "nodes = [\"a\", \"b\"]\n" : "")
           + "inputs = [\"source\"]\n";
  };
  auto here = run_scenario(load_scenario(dir.write("here.toml", text(false))),
                           real_time());
  auto sc = load_scenario(dir.write("there.toml", text(true)));
  auto there = run_scenario(sc, real_time());
  BOOST_CHECK_EQUAL(check_counts(here, 100)[0], 100u);
  BOOST_CHECK_EQUAL(check_counts(there, 100)[0], 100u);
  for (size_t i = 0; i < 100; ++i) {
    const auto& x = here.outcomes.records[i].req;
    const auto& y = there.outcomes.records[i].req;
    BOOST_REQUIRE(x.result && y.result);
    BOOST_CHECK_EQUAL(x.result->label, y.result->label);
    BOOST_CHECK_EQUAL(x.input.label, y.input.label);
  }
  auto nodes = report_nodes(sc, there);
  BOOST_CHECK_EQUAL(nodes[0].served + nodes[1].served, 100u);
}

BOOST_AUTO_TEST_SUITE_END()
