#include <boost/test/unit_test.hpp>

#include <caf/scoped_actor.hpp>

#include "actors/client.hpp"
#include "actors/sink.hpp"
#include "tests/support/virtual_system.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(clients)

BOOST_AUTO_TEST_CASE(due_requests_leave_together_and_carry_deadlines) {
  client_state st;
  st.options.arrivals = arrival_times{0ms, 0ms, 5ms, 9ms};
  st.options.slo = 100ms;
  auto first = st.take_due(0ms);
  BOOST_REQUIRE_EQUAL(first.requests.size(), 2u);
  BOOST_CHECK_EQUAL(first.from, source_stage);
  BOOST_CHECK(first.requests[1].deadline == 100ms);
  BOOST_CHECK_EQUAL(first.requests[1].trace.at(0).stage, source_stage);
  BOOST_CHECK(*st.next_wakeup(0ms) == 5ms);
  auto late = st.take_due(10ms);
  BOOST_REQUIRE_EQUAL(late.requests.size(), 2u);
  BOOST_CHECK_EQUAL(late.requests[1].id, 3u);
  BOOST_CHECK(late.requests[1].deadline == 109ms);
  // Due at 9 ms, sent at 10 ms.
  BOOST_CHECK(late.requests[1].trace.at(0).enqueue == 9ms);
  BOOST_CHECK(late.requests[1].trace.at(0).finish == 10ms);
  BOOST_CHECK(!st.next_wakeup(10ms));
}

namespace {

/// A paced client in virtual time, with a real sink and a recording root
/// stage. Client and sink hold each other: they end only when told to.
struct paced_client {
  test::virtual_system vs;
  test::batch_log log = std::make_shared<std::vector<test::received_batch>>();
  sink_actor sink_handle;
  client_actor client_handle;
  caf::scoped_actor self{vs.sys};

  paced_client(arrival_times arrivals, caf::timespan pace_horizon) {
    auto root = vs.sys.spawn(test::recorder, log, vs.epoch);
    sink_handle = vs.sys.spawn(sink, sink_options{});
    client_options co;
    co.arrivals = std::move(arrivals);
    co.paced_by_sink = true;
    co.pace_horizon = pace_horizon;
    co.roots = {root};
    co.sink = sink_handle;
    client_handle = vs.sys.spawn(client, co);
    self->send(sink_handle, start_at(vs.epoch));
    self->send(client_handle, start_at(vs.epoch));
    vs.run_now();
  }

  ~paced_client() {
    self->send_exit(client_handle, caf::exit_reason::user_shutdown);
    self->send_exit(sink_handle, caf::exit_reason::user_shutdown);
    vs.run_now();
  }

  /// The first batch the root received completes at the sink.
  void complete_first_batch() {
    self->send(sink_handle, log->front().content);
  }
};

} // namespace

// Real time paces the client by completions; virtual time can show the
// mechanism exactly: time moves on without firing the client's timer, and a
// batch recorded at the sink makes the client send what is due by then.
BOOST_AUTO_TEST_CASE(a_completion_at_the_sink_paces_the_client_before_its_timer) {
  paced_client pc{{0ms, 1ms, 2ms, 3ms}, 0ms};
  BOOST_REQUIRE_EQUAL(pc.log->size(), 1u);
  BOOST_CHECK_EQUAL(pc.vs.sched.clock().schedule().size(), 1u);
  // 2 ms later, before the timer (due at 1 ms) fires, request 0 completes.
  pc.vs.sched.clock().current_time += 2ms;
  pc.complete_first_batch();
  pc.vs.run_now();
  BOOST_REQUIRE_EQUAL(pc.log->size(), 2u);
  const auto& paced = pc.log->back();
  BOOST_CHECK(paced.at == 2ms);
  BOOST_REQUIRE_EQUAL(paced.content.requests.size(), 2u);
  BOOST_CHECK_EQUAL(paced.content.requests[0].id, 1u);
  BOOST_CHECK_EQUAL(paced.content.requests[1].id, 2u);
  // The client keeps a single timer; the rest still leaves on time.
  BOOST_CHECK_EQUAL(pc.vs.sched.clock().schedule().size(), 1u);
  pc.vs.run_all();
  BOOST_REQUIRE_EQUAL(pc.log->size(), 3u);
  BOOST_CHECK(pc.log->back().at == 3ms);
  BOOST_CHECK_EQUAL(pc.log->back().content.requests.at(0).id, 3u);
}

// With nothing due but the next arrival close, the client echoes through the
// sink instead of waiting for its timer. (In virtual time the echoes would
// circle forever at one instant: the graph paces only in real time.)
BOOST_AUTO_TEST_CASE(a_close_arrival_is_sent_by_an_echo_not_the_timer) {
  paced_client pc{{0ms, 1ms}, 2ms};
  BOOST_REQUIRE_EQUAL(pc.log->size(), 1u);
  // Request 0 completes at once; nothing is due, request 1 is 1 ms away.
  pc.complete_first_batch();
  for (int step = 0; step < 20; ++step)
    pc.vs.sched.try_run_once();
  BOOST_CHECK_EQUAL(pc.log->size(), 1u);
  pc.vs.sched.clock().current_time += 1ms;
  pc.vs.run_now();
  BOOST_REQUIRE_EQUAL(pc.log->size(), 2u);
  BOOST_CHECK(pc.log->back().at == 1ms);
  BOOST_CHECK_EQUAL(pc.log->back().content.requests.at(0).id, 1u);
}

namespace {

/// What the root received from an unpaced client in virtual time, run to
/// its end: `hop` is what the client draws its hop and timer from.
std::vector<test::received_batch> sent_by(arrival_times arrivals,
                                          client_hop_spec hop) {
  test::virtual_system vs;
  auto log = std::make_shared<std::vector<test::received_batch>>();
  auto root = vs.sys.spawn(test::recorder, log, vs.epoch);
  auto sink_handle = vs.sys.spawn(sink, sink_options{});
  client_options co;
  co.arrivals = std::move(arrivals);
  co.roots = {root};
  co.sink = sink_handle;
  co.hop = hop;
  auto client_handle = vs.sys.spawn(client, co);
  caf::scoped_actor self{vs.sys};
  self->send(sink_handle, start_at(vs.epoch));
  self->send(client_handle, start_at(vs.epoch));
  vs.run_all();
  self->send_exit(client_handle, caf::exit_reason::user_shutdown);
  self->send_exit(sink_handle, caf::exit_reason::user_shutdown);
  vs.run_now();
  return *log;
}

} // namespace

// Virtual time charges the hop to the roots that real time pays as a
// thread wake-up: each batch arrives one hand-off after it was sent, and
// its trace still says when it was due and sent.
BOOST_AUTO_TEST_CASE(a_modelled_hop_delays_each_batch_by_one_handoff) {
  client_hop_spec hop;
  hop.time.median = 400us;
  auto log = sent_by(arrival_times{0ms, 1ms, 1ms, 3ms}, hop);
  BOOST_REQUIRE_EQUAL(log.size(), 3u);
  BOOST_CHECK(log.at(0).at == 400us);
  BOOST_CHECK(log.at(1).at == 1400us);
  BOOST_CHECK_EQUAL(log.at(1).content.requests.size(), 2u);
  BOOST_CHECK(log.at(2).at == 3400us);
  const auto& sent = log.at(2).content.requests.at(0).trace.at(0);
  BOOST_CHECK(sent.enqueue == 3ms);
  BOOST_CHECK(sent.finish == 3ms);
}

// Virtual time charges the client's late timer that real time pays: each
// wake-up comes one lateness after the arrival it waits for, and sends what
// is due by then; the traces say when each request was due and sent.
BOOST_AUTO_TEST_CASE(a_modelled_timer_lateness_sends_late_and_together) {
  client_hop_spec hop;
  hop.timer_late.median = 500us;
  auto log = sent_by(arrival_times{0ms, 1ms, 1300us, 3ms}, hop);
  BOOST_REQUIRE_EQUAL(log.size(), 3u);
  // The first at the start; the second's timer fires at 1.5 ms and sends
  // the third with it; the fourth's at 3.5 ms.
  BOOST_CHECK(log.at(0).at == 0ms);
  BOOST_CHECK(log.at(1).at == 1500us);
  BOOST_REQUIRE_EQUAL(log.at(1).content.requests.size(), 2u);
  const auto& third = log.at(1).content.requests.at(1).trace.at(0);
  BOOST_CHECK(third.enqueue == 1300us);
  BOOST_CHECK(third.finish == 1500us);
  BOOST_CHECK(log.at(2).at == 3500us);
}

BOOST_AUTO_TEST_CASE(drawn_hops_keep_the_batches_order) {
  BOOST_CHECK(client_hop{}.delay(5ms) == 0ms);
  client_hop_spec spec;
  spec.time = {10us, 1ms};
  spec.draws = {service_time_kind::lognormal, 7};
  client_hop hop{spec};
  // A batch every microsecond: draws spread from microseconds to
  // milliseconds, and a batch never overtakes the one before it.
  caf::timespan last_arrival{0};
  caf::timespan longest{0};
  for (int i = 0; i < 1000; ++i) {
    auto now = caf::timespan{std::chrono::microseconds{i}};
    auto delay = hop.delay(now);
    BOOST_REQUIRE(now + delay >= last_arrival);
    last_arrival = now + delay;
    longest = std::max(longest, delay);
  }
  BOOST_CHECK(longest > 500us);
  // With the mean model, every hop is the median.
  spec.draws.kind = service_time_kind::mean;
  client_hop median{spec};
  BOOST_CHECK(median.delay(0ms) == 10us);
  BOOST_CHECK(median.delay(1ms) == 10us);
  // A timer's lateness, drawn from the same generator: from microseconds
  // to a millisecond or more, never early.
  spec.draws.kind = service_time_kind::lognormal;
  spec.timer_late = {10us, 1ms};
  client_hop late{spec};
  caf::timespan latest{0};
  for (int i = 0; i < 1000; ++i) {
    auto drawn = late.timer_late(0ms, 0ms);
    BOOST_REQUIRE(drawn > 0us);
    latest = std::max(latest, drawn);
  }
  BOOST_CHECK(latest > 500us);
  BOOST_CHECK(client_hop{}.timer_late(0ms, 0ms) == 0us);
  // Stalls of the scheduler's core make the timer later still: the same
  // draws, with a stall of 1 ms every 10 ms or so.
  spec.draws.scheduler_stalls = stall_time{100, {1ms}};
  client_hop stalled{spec};
  client_hop unstalled{[&] {
    auto s = spec;
    s.draws.scheduler_stalls = {};
    return s;
  }()};
  caf::timespan extra{0};
  for (int i = 0; i < 1000; ++i) {
    auto at = caf::timespan{std::chrono::milliseconds{i}};
    auto with = stalled.timer_late(at, 500us);
    auto without = unstalled.timer_late(at, 500us);
    BOOST_REQUIRE(with >= without);
    extra += with - without;
  }
  // About a tenth of the timers meet a stall, half a millisecond on
  // average: about 50 ms over a thousand.
  BOOST_CHECK(extra > 20ms);
  BOOST_CHECK(extra < 100ms);
}

BOOST_AUTO_TEST_SUITE_END()
