// Cluster mode without a network: [[nodes]] and stage placement in scenario
// files, the virtual-time hop model, and a frontend's failover state (the
// batch it takes back, the late answer it refuses), and the cluster keeper
// with a fake middleman.

#include <boost/test/unit_test.hpp>

#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <map>

#include "actors/cluster_keeper.hpp"
#include "actors/frontend.hpp"
#include "actors/replica.hpp"
#include "actors/sink.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "runtime/direct_chain.hpp"
#include "runtime/node_address.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/test_kinds.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/virtual_system.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

const char* two_nodes = R"(
[[nodes]]
name = "a"
address = "127.0.0.1:7001"
hop_ms = 0.5

[[nodes]]
name = "b"
address = "[::1]:7002"
)";

const char* placed_stage = R"(
[[stages]]
name = "a"
model = "fast"
hardware = "CPU"
max_batch = 4
replicas = 3
nodes = ["b", "a"]
inputs = ["source"]
)";

struct fixture {
  test::temp_dir dir;

  fixture() {
    dir.write("gaps.deltas", test::constant_gaps(10, 100));
  }

  scenario load(const std::string& text) {
    return load_scenario(dir.write("s.toml", text));
  }

  /// Loading `text` fails for `field` with a message containing `words`.
  void expect_error(const std::string& text, const std::string& field,
                    const std::string& words) {
    try {
      load(text);
      BOOST_FAIL("no error for " << field);
    } catch (const input_error& err) {
      std::string what = err.what();
      BOOST_TEST_MESSAGE(what);
      BOOST_CHECK_EQUAL(err.field(), field);
      BOOST_CHECK_GT(err.line(), 0u);
      BOOST_CHECK_MESSAGE(what.find(words) != std::string::npos,
                          "'" << what << "' lacks '" << words << "'");
    }
  }

  static std::string replace(std::string text, const std::string& from,
                             const std::string& to) {
    auto pos = text.find(from);
    BOOST_REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
  }
};

const std::string good = test::deltas_scenario(std::string{two_nodes}
                                               + placed_stage);

} // namespace

BOOST_FIXTURE_TEST_SUITE(cluster_scenarios, fixture)

BOOST_AUTO_TEST_CASE(nodes_and_placement_load_and_write_back) {
  auto sc = load(good);
  BOOST_REQUIRE_EQUAL(sc.nodes.size(), 2u);
  BOOST_CHECK_EQUAL(sc.nodes[0].host, "127.0.0.1");
  BOOST_CHECK_EQUAL(sc.nodes[0].port, 7001);
  BOOST_CHECK(sc.nodes[0].hop == 500us);
  BOOST_CHECK_EQUAL(sc.nodes[1].host, "::1");
  BOOST_CHECK_EQUAL(sc.nodes[1].address(), "[::1]:7002");
  BOOST_CHECK(sc.nodes[1].hop == default_node_hop);
  // Replicas take the stage's nodes in turn.
  BOOST_CHECK_EQUAL(*sc.node_of(0, 0), 1u);
  BOOST_CHECK_EQUAL(*sc.node_of(0, 1), 0u);
  BOOST_CHECK_EQUAL(*sc.node_of(0, 2), 1u);
  write_scenario(sc, dir.path("back.toml"));
  auto back = load_scenario(dir.path("back.toml"));
  BOOST_REQUIRE_EQUAL(back.nodes.size(), 2u);
  BOOST_CHECK_EQUAL(back.nodes[1].address(), "[::1]:7002");
  BOOST_CHECK(back.nodes[0].hop == 500us);
  BOOST_CHECK(back.stages[0].nodes == sc.stages[0].nodes);
}

BOOST_AUTO_TEST_CASE(bad_nodes_are_refused_with_file_line_and_key) {
  expect_error(replace(good, "127.0.0.1:7001", "127.0.0.1"),
               "nodes.a.address", "has no port");
  expect_error(replace(good, "127.0.0.1:7001", "127.0.0.1:70000"),
               "nodes.a.address", "from 1 to 65535");
  expect_error(replace(good, "127.0.0.1:7001", "::1:7001"),
               "nodes.a.address", "brackets");
  expect_error(replace(good, "[::1]:7002", "127.0.0.1:7001"),
               "nodes.b.address", "node 'a''s address");
  expect_error(replace(good, "name = \"b\"", "name = \"a\""), "nodes[1].name",
               "defined twice");
  expect_error(replace(good, "hop_ms = 0.5", "hop_ms = -1"), "nodes.a.hop_ms",
               "");
  expect_error(replace(good, "hop_ms = 0.5", "port = 1"), "nodes.a.port",
               "unknown key");
  expect_error(replace(good, "[\"b\", \"a\"]", "[\"b\", \"c\"]"),
               "stages.a.nodes", "unknown node 'c' (known: 'a', 'b')");
  expect_error(replace(good, "[\"b\", \"a\"]", "[\"b\", \"b\"]"),
               "stages.a.nodes", "listed twice");
  expect_error(replace(good, "[\"b\", \"a\"]", "[]"), "stages.a.nodes",
               "at least one node");
  expect_error(test::deltas_scenario(placed_stage), "stages.a.nodes",
               "the scenario has no [[nodes]]");
  auto scaled = replace(good, "[[nodes]]",
                        "[scaling]\npolicy = \"seed\"\n\n[[nodes]]");
  expect_error(scaled, "stages.a.nodes", "cannot be scaled");
}

BOOST_AUTO_TEST_CASE(a_kind_with_a_replica_actor_of_its_own_stays_here) {
  test::register_crashing_kind();
  auto text = test::deltas_scenario(std::string{two_nodes}
                                    + test::crashing_stage);
  expect_error(replace(text, "die_on_batch = 3",
                       "die_on_batch = 3\nnodes = [\"a\"]"),
               "stages.flaky.nodes", "cannot run on nodes");
}

BOOST_AUTO_TEST_CASE(a_scaling_policy_set_after_loading_is_refused_too) {
  auto sc = load(good);
  sc.scaling.policy = scaling_kind::seed;
  BOOST_CHECK_THROW(run_scenario(sc, run_options{}), input_error);
}

BOOST_AUTO_TEST_CASE(node_addresses_parse) {
  auto x = parse_node_address("localhost:1");
  BOOST_CHECK_EQUAL(x.host, "localhost");
  BOOST_CHECK_EQUAL(x.port, 1);
  BOOST_CHECK_THROW(parse_node_address(":7001"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_node_address("h:0"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_node_address("h:7x"), std::invalid_argument);
  BOOST_CHECK(is_loopback_host("127.0.0.2"));
  BOOST_CHECK(is_loopback_host("::1"));
  BOOST_CHECK(!is_loopback_host("0.0.0.0"));
  BOOST_CHECK(!is_loopback_host("10.0.0.1"));
}

// In virtual time a replica on a node holds each batch a hop longer each
// way: with requests 100 ms apart (never queued), every latency is s(1) +
// 2 x hop, against s(1) in one process.
BOOST_AUTO_TEST_CASE(virtual_time_adds_two_hops_per_batch_on_a_node) {
  auto local = load(test::deltas_scenario(test::one_fast_stage));
  auto placed = load(replace(good, "replicas = 3", "replicas = 1"));
  BOOST_REQUIRE_EQUAL(*placed.node_of(0, 0), 1u);
  placed.nodes[1].hop = 2ms;
  run_options opts;
  auto here = run_scenario(local, opts);
  auto there = run_scenario(placed, opts);
  BOOST_REQUIRE_EQUAL(here.outcomes.records.size(), 10u);
  BOOST_REQUIRE_EQUAL(there.outcomes.records.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    const auto& x = here.outcomes.records[i];
    const auto& y = there.outcomes.records[i];
    BOOST_CHECK(y.kind == outcome_kind::completed);
    BOOST_CHECK(x.finish - x.req.arrival == 10ms);
    BOOST_CHECK(y.finish - y.req.arrival == 14ms);
    // The compute is the model's alone; the hops are the runtime's.
    BOOST_CHECK(y.req.trace.back().compute == 10ms);
  }
  // The planner's actor-free chains do not model the hand-back: such
  // chains run on the graph.
  BOOST_CHECK(runs_as_direct_chain(local));
  BOOST_CHECK(!runs_as_direct_chain(placed));
}

BOOST_AUTO_TEST_SUITE_END()

// -- a frontend's failover state ------------------------------------------------

namespace {

batch requests(uint64_t first, size_t n) {
  batch b;
  for (size_t i = 0; i < n; ++i) {
    request r;
    r.id = first + i;
    r.deadline = 1s;
    b.requests.push_back(r);
  }
  return b;
}

/// A frontend of two slots, both served by replicas on nodes once joined.
frontend_state joined_frontend() {
  frontend_options opts;
  opts.max_batch = 2;
  opts.replicas.resize(2);
  opts.joining = {0, 1};
  opts.pool.initial = 2;
  frontend_state st;
  st.init(opts);
  return st;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_frontends)

BOOST_AUTO_TEST_CASE(slots_on_nodes_serve_only_once_joined) {
  auto st = joined_frontend();
  BOOST_CHECK(st.unserved());
  st.admit(requests(0, 2), 0ms);
  BOOST_CHECK(!st.next_dispatch(0ms));
  st.join(1, {}, 1ms);
  BOOST_CHECK(!st.unserved());
  auto d = st.next_dispatch(1ms);
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(d->replica, 1u);
}

BOOST_AUTO_TEST_CASE(a_lost_replica_s_batch_goes_back_to_the_front_of_the_queue) {
  auto st = joined_frontend();
  st.join(0, {}, 0ms);
  st.join(1, {}, 0ms);
  st.admit(requests(0, 5), 0ms);
  auto d = st.next_dispatch(0ms);
  BOOST_REQUIRE(d);
  BOOST_REQUIRE_EQUAL(d->work.requests.size(), 2u);
  // send_out keeps a copy for a replica on a node.
  st.held[d->replica] = d->work;
  served_batch answer{static_cast<uint16_t>(d->replica),
                      d->work.requests.front().trace.back().batch_id, {}};
  BOOST_CHECK(st.expects(answer));
  BOOST_CHECK_EQUAL(st.take_back(d->replica, 5ms), 2u);
  BOOST_CHECK_EQUAL(st.retried, 2u);
  // The late answer of the lost replica is refused.
  BOOST_CHECK(!st.expects(answer));
  // Requests 0 and 1 come first again, on the replica left.
  BOOST_REQUIRE_EQUAL(st.queue.size(), 5u);
  BOOST_CHECK_EQUAL(st.queue[0].id, 0u);
  BOOST_CHECK_EQUAL(st.queue[1].id, 1u);
  BOOST_CHECK_EQUAL(st.queue[2].id, 2u);
  auto again = st.next_dispatch(5ms);
  BOOST_REQUIRE(again);
  BOOST_CHECK_NE(again->replica, d->replica);
  BOOST_CHECK_EQUAL(again->work.requests[0].id, 0u);
  BOOST_CHECK(!st.unserved());
  BOOST_CHECK_EQUAL(st.take_back(again->replica, 6ms), 0u);
  BOOST_CHECK(st.unserved());
}

BOOST_AUTO_TEST_CASE(a_replica_replaced_while_live_gives_its_batch_back) {
  auto st = joined_frontend();
  st.join(0, {}, 0ms);
  st.admit(requests(0, 2), 0ms);
  auto d = st.next_dispatch(0ms);
  BOOST_REQUIRE(d);
  st.held[0] = d->work;
  served_batch answer{0, d->work.requests.front().trace.back().batch_id, {}};
  // The keeper replaces the slot's replica before its down message came.
  st.join(0, {}, 1ms);
  BOOST_CHECK(!st.expects(answer));
  BOOST_CHECK_EQUAL(st.queue.size(), 2u);
  BOOST_CHECK(st.next_dispatch(1ms));
}

namespace {

/// A replica that takes batches (counting them in `taken`) and never hands
/// them back: a forward pass that hangs on a live node. (It takes an
/// argument: spawning a function without one trips UBSan inside CAF 0.17.)
replica_actor::behavior_type hung_replica(std::shared_ptr<int> taken) {
  return {
    [taken](atoms::serve_atom, batch&) { ++*taken; },
    [](atoms::finished_atom, batch&) {},
    [](atoms::ready_atom) { return atoms::ready_atom_v; },
    [](run_start) {},
    [](atoms::events_atom) { return uint64_t{0}; },
  };
}

} // namespace

BOOST_AUTO_TEST_CASE(a_replica_that_holds_a_batch_too_long_counts_as_lost) {
  test::virtual_system vs;
  auto log = std::make_shared<std::vector<test::received_batch>>();
  stage_input_actor next = vs.sys.spawn(test::recorder, log, vs.epoch);
  auto the_sink = vs.sys.spawn(sink, sink_options{1, 4, nullptr});
  frontend_options opts;
  opts.max_batch = 4;
  opts.replicas.resize(2);
  opts.joining = {0, 1};
  opts.pool.initial = 2;
  opts.remote_batch_timeout = 1s;
  opts.successors = {next};
  opts.sink = the_sink;
  auto fe = vs.sys.spawn(frontend, opts);
  replica_options answering;
  answering.index = 1;
  answering.reports_to_frontend = true;
  auto taken = std::make_shared<int>(0);
  auto hung = vs.sys.spawn(hung_replica, taken);
  auto served = vs.sys.spawn(replica, answering);
  // The test plays the cluster keeper.
  caf::scoped_actor keeper{vs.sys};
  keeper->send(fe, replica_joined{0, caf::actor_cast<caf::actor>(hung)});
  keeper->send(fe, replica_joined{1, caf::actor_cast<caf::actor>(served)});
  run_start start{vs.epoch.time_since_epoch()};
  keeper->send(fe, start);
  keeper->send(served, start);
  vs.run_now();
  // First idle: the hung replica (slot 0) gets all four.
  keeper->send(fe, requests(0, 4));
  vs.run_all();
  size_t arrived = 0;
  for (const auto& x : *log) {
    arrived += x.content.requests.size();
    BOOST_CHECK(x.at == 1s);
  }
  BOOST_CHECK_EQUAL(arrived, 4u);
  BOOST_CHECK_EQUAL(*taken, 1);
  bool told = false;
  keeper->receive(
    [&](replica_lost& lost) {
      told = true;
      BOOST_CHECK_EQUAL(lost.replica, 0u);
      BOOST_CHECK_EQUAL(lost.retried, 4u);
      BOOST_CHECK_EQUAL(lost.left, 1u);
      BOOST_CHECK(lost.handle == caf::actor_cast<caf::actor>(hung));
    },
    caf::after(std::chrono::seconds(0)) >> [] {});
  BOOST_CHECK(told);
  for (auto x : {caf::actor_cast<caf::actor>(fe),
                 caf::actor_cast<caf::actor>(served),
                 caf::actor_cast<caf::actor>(next),
                 caf::actor_cast<caf::actor>(the_sink)})
    keeper->send_exit(x, caf::exit_reason::user_shutdown);
  vs.run_now();
}

BOOST_AUTO_TEST_CASE(batch_ids_skip_zero_when_they_wrap) {
  auto st = joined_frontend();
  st.join(0, {}, 0ms);
  st.batches_formed = 0xFFFFFFFFu;
  st.admit(requests(0, 1), 0ms);
  auto d = st.next_dispatch(0ms);
  BOOST_REQUIRE(d);
  auto id = d->work.requests.front().trace.back().batch_id;
  BOOST_CHECK_NE(id, 0u);
  BOOST_CHECK(st.expects(served_batch{0, id, {}}));
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

using held_connects = std::shared_ptr<std::vector<caf::response_promise>>;

/// A middleman that refuses port 1 at once and holds the connect to any
/// other port until it gets ok_atom, then refuses that one too. (It takes
/// an argument: spawning an argument-less function actor trips UBSan
/// inside CAF 0.17.)
caf::behavior slow_middleman(caf::event_based_actor* self,
                             held_connects held) {
  return {
    [self, held](caf::connect_atom, const std::string&,
                 uint16_t port) -> caf::result<caf::message> {
      if (port == 1)
        return caf::make_error(caf::sec::cannot_connect_to_node);
      held->push_back(self->make_response_promise());
      return held->back();
    },
    [held](caf::ok_atom) {
      for (auto& promise : *held)
        promise.deliver(caf::make_error(caf::sec::cannot_connect_to_node));
      held->clear();
    },
  };
}

/// A middleman whose connects to port 1 are refused and to any other port
/// time out (missed heartbeats); counts the connects per port.
caf::behavior timing_out_middleman(
  std::shared_ptr<std::map<uint16_t, int>> connects) {
  return {
    [connects](caf::connect_atom, const std::string&,
               uint16_t port) -> caf::result<caf::message> {
      ++(*connects)[port];
      return caf::make_error(port == 1 ? caf::sec::cannot_connect_to_node
                                       : caf::sec::connection_timeout);
    },
  };
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_keepers)

// A run that fails to start ends its actor system: if a connect were still
// under way in CAF's middleman, the system would wait for it forever. The
// keeper says "not ready" only once the middleman answered everything.
BOOST_AUTO_TEST_CASE(a_failed_start_waits_for_the_middleman_s_answers) {
  test::virtual_system vs;
  auto middleman = vs.sys.spawn(
    slow_middleman, std::make_shared<std::vector<caf::response_promise>>());
  cluster_keeper_options opts;
  opts.nodes = {keeper_node{"a", "127.0.0.1", 1, "127.0.0.1:1"},
                keeper_node{"b", "127.0.0.1", 2, "127.0.0.1:2"}};
  opts.middleman = caf::actor_cast<caf::io::middleman_actor>(middleman);
  auto keeper = vs.sys.spawn(cluster_keeper, opts);
  caf::scoped_actor run{vs.sys};
  run->send(keeper, atoms::ready_atom_v);
  vs.run_now();
  auto answered = [&] {
    std::optional<std::string> text;
    run->receive(
      [&](caf::error& err) { text = vs.sys.render(err); },
      caf::after(std::chrono::seconds(0)) >> [] {});
    return text;
  };
  // Node a refused; b's connect is still under way.
  BOOST_CHECK(!answered());
  run->send(middleman, caf::ok_atom_v);
  vs.run_now();
  // The first failure is the one reported. (No REQUIRE: the actors must
  // be stopped below, or the actor system waits for them.)
  auto text = answered();
  BOOST_CHECK(text
              && text->find("node 'a' at 127.0.0.1:1") != std::string::npos);
  run->send_exit(keeper, caf::exit_reason::user_shutdown);
  run->send_exit(middleman, caf::exit_reason::user_shutdown);
  vs.run_now();
}

// At the run's end the keeper stops retrying and answers the history only
// once the middleman answered every connect under way.
BOOST_AUTO_TEST_CASE(the_history_waits_for_the_middleman_and_ends_retries) {
  test::virtual_system vs;
  auto held = std::make_shared<std::vector<caf::response_promise>>();
  auto middleman = vs.sys.spawn(slow_middleman, held);
  cluster_keeper_options opts;
  opts.nodes = {keeper_node{"b", "127.0.0.1", 2, "127.0.0.1:2"}};
  opts.middleman = caf::actor_cast<caf::io::middleman_actor>(middleman);
  auto keeper = vs.sys.spawn(cluster_keeper, opts);
  caf::scoped_actor run{vs.sys};
  run->send(keeper, atoms::ready_atom_v);
  vs.run_now();
  BOOST_CHECK_EQUAL(held->size(), 1u);
  run->send(keeper, atoms::cluster_atom_v);
  vs.run_now();
  // Whether the history is among the answers come so far (the ready
  // request's failure comes too, once b's connect failed).
  auto answered = [&] {
    bool got = false;
    for (bool more = true; more;)
      run->receive([&](cluster_history&) { got = true; },
                   [](caf::error&) {},
                   caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
    return got;
  };
  // b's connect is still under way.
  BOOST_CHECK(!answered());
  run->send(middleman, caf::ok_atom_v);
  vs.run_now();
  BOOST_CHECK(answered());
  // A retry due now connects no more.
  run->send(keeper, atoms::reconnect_atom_v, uint32_t{0});
  vs.run_now();
  BOOST_CHECK(held->empty());
  run->send_exit(keeper, caf::exit_reason::user_shutdown);
  run->send_exit(middleman, caf::exit_reason::user_shutdown);
  vs.run_now();
}

// Before the run, a node whose connection timed out (a loaded machine) is
// tried start_attempts times; a refused one fails the start at once.
BOOST_AUTO_TEST_CASE(a_connection_that_timed_out_is_tried_again_before_the_run) {
  test::virtual_system vs;
  auto connects = std::make_shared<std::map<uint16_t, int>>();
  auto middleman = vs.sys.spawn(timing_out_middleman, connects);
  caf::scoped_actor run{vs.sys};
  auto start = [&](std::vector<keeper_node> nodes) {
    cluster_keeper_options opts;
    opts.nodes = std::move(nodes);
    opts.middleman = caf::actor_cast<caf::io::middleman_actor>(middleman);
    auto keeper = vs.sys.spawn(cluster_keeper, opts);
    run->send(keeper, atoms::ready_atom_v);
    vs.run_all();
    std::string text;
    run->receive([&](caf::error& err) { text = vs.sys.render(err); },
                 caf::after(std::chrono::seconds(0)) >> [] {});
    BOOST_TEST_MESSAGE(text);
    run->send_exit(keeper, caf::exit_reason::user_shutdown);
    vs.run_now();
    return text;
  };
  keeper_node a{"a", "127.0.0.1", 1, "127.0.0.1:1"};
  keeper_node b{"b", "127.0.0.1", 2, "127.0.0.1:2"};
  auto slow = start({b});
  BOOST_CHECK_EQUAL((*connects)[2], 3);
  BOOST_CHECK(slow.find("connection_timeout") != std::string::npos);
  BOOST_CHECK(slow.find("(3 attempts)") != std::string::npos);
  auto refused = start({a});
  BOOST_CHECK_EQUAL((*connects)[1], 1);
  BOOST_CHECK(refused.find("node 'a' at 127.0.0.1:1") != std::string::npos);
  BOOST_CHECK(refused.find("attempts") == std::string::npos);
  // b's retry is due after a's refusal failed the start: it connects no
  // more (a connect under way would keep the actor system from ending).
  connects->clear();
  auto both = start({b, a});
  BOOST_CHECK_EQUAL((*connects)[2], 1);
  BOOST_CHECK(both.find("node 'a' at 127.0.0.1:1") != std::string::npos);
  run->send_exit(middleman, caf::exit_reason::user_shutdown);
  vs.run_now();
}

BOOST_AUTO_TEST_SUITE_END()
