#include <boost/test/unit_test.hpp>

#include <tuple>

#include <caf/scoped_actor.hpp>

#include "actors/replica.hpp"
#include "tests/support/virtual_system.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

profile cpu_profile() {
  return profile{"cpu", 1, {{1, 10, 100.0}, {2, 12, 160.0}}, {}, {}, {}};
}

batch requests_at_stage(stage_id stage, size_t count) {
  batch b;
  for (size_t i = 0; i < count; ++i) {
    request r;
    r.id = i;
    r.trace.push_back(stage_visit{stage, 0, uint32_t(count), 0ms, 0ms, 0ms});
    b.requests.push_back(r);
  }
  return b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replicas)

BOOST_AUTO_TEST_CASE(service_time_follows_the_profile) {
  replica_state st;
  st.options.service = cpu_profile();
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 1), 0ns) == 10ms);
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 2), 0ns) == 12500us);
}

BOOST_AUTO_TEST_CASE(after_an_idle_wait_the_idle_rows_hold_where_measured) {
  replica_state st;
  st.options.service = cpu_profile();
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 2), 1ms) == 12500us);
  st.options.service.idle_rows = {{1, 30, 50}, {2, 40, 100}};
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 1), 1ns) == 20ms);
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 1), 0ns) == 10ms);
}

BOOST_AUTO_TEST_CASE(a_short_idle_wait_pays_the_idle_curve_s_share) {
  replica_state st;
  st.options.service = cpu_profile();
  st.options.service.idle_rows = {{1, 30, 50}, {2, 40, 100}};
  st.options.service.idle_curve = {{100us, 0.25}, {300us, 1.0}};
  // Batch 1: 10 ms right after another, 20 ms after a long wait.
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 1), 100us) == 12500us);
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 1), 200us) == 16250us);
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 1), 5ms) == 20ms);
  // The wait a replica's thread sees: since its last batch finished, plus
  // the hand-off that brought this one; none for a batch that waited here.
  BOOST_CHECK(st.idle_before(1ms) == caf::timespan::max());
  st.last_finish = 1ms;
  st.options.handoff.median = 20us;
  BOOST_CHECK(st.idle_before(1ms) == 0ns);
  BOOST_CHECK(st.idle_before(1080us) == 100us);
}

BOOST_AUTO_TEST_CASE(a_batch_reaches_a_polling_core_sooner_than_a_sleeping_one) {
  replica_state st;
  st.options.service = cpu_profile();
  st.options.service.handoff = {30us, 0us};
  // Real time pays its own hand-offs.
  BOOST_CHECK(st.brought_by(1ms, false).median == 0us);
  st.options.handoff = st.options.service.handoff;
  // Without a curve: the handoff, and none for a batch sent ahead.
  BOOST_CHECK(st.brought_by(1ms, false).median == 30us);
  BOOST_CHECK(st.brought_by(1ms, true).median == 0us);
  st.options.service.wake.curve = {{0us, 15us}, {50us, 55us}, {800us, 62us}};
  BOOST_CHECK(st.brought_by(1ms, true).median == 15us);
  // No poll measured: a core that waited always slept. The first batch
  // comes after the longest wait.
  BOOST_CHECK(st.brought_by(1ms, false).median == 62us);
  st.last_finish = 1ms;
  BOOST_CHECK(st.brought_by(1030us, false).median == 39us);
  st.options.service.wake.poll = {17us, 200us};
  st.start_draws();
  // Brief waits open the core's poll (10, 20, then 40 us), and then a
  // batch finds it polling; the idle wait that the pass sees counts the
  // hand-off the core's state gives, without changing it.
  for (auto window : {10us, 20us, 40us}) {
    BOOST_CHECK(st.brought_by(1030us, false).median == 39us);
    BOOST_CHECK(st.poll.window() == window);
  }
  BOOST_CHECK(st.idle_before(1030us) == 30us + 17us);
  BOOST_CHECK(st.idle_before(1045us) == 45us + 51us);
  BOOST_CHECK(st.brought_by(1030us, false).median == 17us);
  // A long wait finds it asleep, and halves the window.
  BOOST_CHECK(st.brought_by(2ms, false).median == 62us);
  BOOST_CHECK(st.poll.window() == 20us);
  // A batch sent ahead leaves the window as it is.
  BOOST_CHECK(st.brought_by(1ms, true).median == 15us);
  BOOST_CHECK(st.poll.window() == 20us);
}

BOOST_AUTO_TEST_CASE(results_leave_as_the_schedulers_core_wakes) {
  replica_state st;
  st.options.handoff = {30us, 0us};
  st.hold(0ms, false, 1ms);
  st.leave(1ms);
  // Without the run's scheduler core: the hand-off drawn.
  BOOST_CHECK(st.leaving == 30us);
  // With it: by how long that core waited when the batch is done.
  wake_time wake;
  wake.curve = {{10us, 20us}, {510us, 60us}};
  st.options.scheduler = std::make_shared<scheduler_core>(wake, 1);
  st.options.scheduler->busy_at(740us);
  st.hold(1ms, false, 1ms);
  st.leave(2ms);
  BOOST_CHECK(st.leaving == 60us);
  st.options.scheduler->busy_at(2500us);
  st.hold(2ms, false, 1ms);
  st.leave(2760us);
  BOOST_CHECK(st.leaving == 40us);
  // Results that the scheduler's stalls held (0.1 ms, a tenth of its
  // time) keep its core busy until they arrive: results right then find it
  // awake, not after a wait.
  service_time_spec spec{service_time_kind::lognormal, 1, {}, 2, {}};
  spec.scheduler_stalls = {1000, {100us}};
  st.service_times = service_time_model{spec};
  int held = 0;
  for (auto finish = 3ms; finish < 60ms; finish += 1ms) {
    st.leave(finish);
    held += st.leaving > 60us ? 1 : 0;
    BOOST_CHECK(st.options.scheduler->woken_at(finish + st.leaving) == 20us);
  }
  BOOST_CHECK_GT(held, 0);
}

BOOST_AUTO_TEST_CASE(a_batch_beyond_the_profile_is_an_error) {
  replica_state st;
  st.options.service = cpu_profile();
  auto t = st.service_time(requests_at_stage(0, 3), 0ns);
  BOOST_REQUIRE(!t);
  BOOST_CHECK_EQUAL(t.error().code(), uint8_t(errc::batch_too_large));
}

BOOST_AUTO_TEST_CASE(a_noop_replica_takes_no_time) {
  replica_state st;
  BOOST_CHECK(*st.service_time(requests_at_stage(0, 5), 0ns) == 0ns);
}

BOOST_AUTO_TEST_CASE(the_batch_reaches_every_successor_after_its_service_time) {
  test::virtual_system vs;
  auto log = std::make_shared<std::vector<test::received_batch>>();
  auto a = vs.sys.spawn(test::recorder, log, vs.epoch);
  auto b = vs.sys.spawn(test::recorder, log, vs.epoch);
  replica_options opts;
  opts.stage = 2;
  opts.service = cpu_profile();
  opts.successors = {a, b};
  auto rep = vs.sys.spawn(replica, opts);
  caf::scoped_actor self{vs.sys};
  self->send(rep, start_at(vs.epoch));
  self->send(rep, atoms::serve_atom_v, requests_at_stage(2, 2));
  vs.run_all();
  BOOST_REQUIRE_EQUAL(log->size(), 2u);
  for (const auto& got : *log) {
    BOOST_CHECK(got.at == 12500us);
    BOOST_CHECK_EQUAL(got.content.from, 2);
    BOOST_CHECK(got.content.requests[0].trace.back().finish == 12500us);
  }
  // The sender (here the scoped actor) learns that the replica is idle.
  bool idle = false;
  self->receive([&](replica_idle) { idle = true; },
                caf::after(0s) >> [] {});
  BOOST_CHECK(idle);
}

namespace {

struct back_to_back {
  std::vector<test::received_batch> got;
  int idle = 0;
};

/// A replica of stage 2 (cpu_profile, `handoff`) sent a batch of two and,
/// while it holds that, a batch of one (as a frontend sends one ahead):
/// what its successor got, and how often it said idle.
back_to_back serve_back_to_back(caf::timespan handoff) {
  test::virtual_system vs;
  auto log = std::make_shared<std::vector<test::received_batch>>();
  auto out = vs.sys.spawn(test::recorder, log, vs.epoch);
  replica_options opts;
  opts.stage = 2;
  opts.service = cpu_profile();
  opts.successors = {out};
  opts.handoff.median = handoff;
  auto rep = vs.sys.spawn(replica, opts);
  caf::scoped_actor self{vs.sys};
  self->send(rep, start_at(vs.epoch));
  self->send(rep, atoms::serve_atom_v, requests_at_stage(2, 2));
  self->send(rep, atoms::serve_atom_v, requests_at_stage(2, 1));
  vs.run_all();
  back_to_back result{*log, 0};
  for (int i = 0; i < 3; ++i)
    self->receive([&](replica_idle) { ++result.idle; },
                  caf::after(0s) >> [] {});
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_batch_sent_ahead_starts_when_the_one_held_is_done) {
  auto [got, idle] = serve_back_to_back(0us);
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  // s(2) = 12.5 ms, then s(1) = 10 ms right after it.
  BOOST_CHECK(got[0].at == 12500us);
  BOOST_CHECK(got[1].at == 22500us);
  // The second left the frontend's queue at 0 but waited here behind the
  // first: its dequeue is the first one's finish, so the wait is queue
  // wait.
  const auto& visit = got[1].content.requests[0].trace.back();
  BOOST_CHECK(visit.dequeue == 12500us);
  BOOST_CHECK(visit.compute == 10ms);
  BOOST_CHECK(got[0].content.requests[0].trace.back().dequeue == 0us);
  BOOST_CHECK_EQUAL(idle, 2);
}

BOOST_AUTO_TEST_CASE(a_modelled_handoff_brings_a_batch_and_takes_it_on) {
  auto [got, idle] = serve_back_to_back(100us);
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  // The first arrives one hand-off after its dispatch, is served for
  // s(2) = 12.5 ms and arrives one hand-off after that.
  const auto& first = got[0];
  BOOST_CHECK(first.at == 12700us);
  BOOST_CHECK(first.content.requests[0].trace.back().finish == 12600us);
  BOOST_CHECK(first.content.requests[0].trace.back().compute == 12500us);
  // The second waited here: it starts as the first is done, without a
  // hand-off of its own (s(1) = 10 ms).
  const auto& second = got[1];
  BOOST_CHECK(second.content.requests[0].trace.back().finish == 22600us);
  BOOST_CHECK(second.at == 22700us);
  BOOST_CHECK_EQUAL(idle, 2);
}

BOOST_AUTO_TEST_CASE(stalls_hold_the_hand_off_the_pass_and_the_leaving) {
  // A stall of 0.1 ms every millisecond or so of each core's time: 100 ms
  // of work meets about a hundred, a 10 ms hand-off about ten.
  replica_state st;
  st.options.handoff = {10ms, 20ms};
  service_time_spec spec{service_time_kind::lognormal, 1, {}, 2, {}};
  auto hold = [&](const stall_time& own, const stall_time& scheduler) {
    spec.stalls = own;
    spec.scheduler_stalls = scheduler;
    st.service_times = service_time_model{spec};
    auto held = st.hold(0ms, false, 100ms);
    st.leave(held.held);
    return std::tuple{held.held - held.compute, held.compute, st.leaving};
  };
  // The same draws without stalls and with them.
  auto [brought, pass, leaving] = hold({}, {});
  BOOST_CHECK(pass == 100ms);
  const stall_time often{1000, {100us}};
  auto [stalled_brought, stalled_pass, stalled_leaving] = hold(often, often);
  // The pass and the hand-off that brought it wait out the replica's
  // core's stalls, the leaving one the scheduler's.
  BOOST_CHECK(stalled_pass > 105ms);
  BOOST_CHECK(stalled_brought > brought);
  BOOST_CHECK(stalled_leaving > leaving);
  // Each core its own stalls.
  auto [own_brought, own_pass, own_leaving] = hold(often, {});
  BOOST_CHECK(own_pass == stalled_pass);
  BOOST_CHECK(own_leaving == leaving);
  auto [shared_brought, shared_pass, shared_leaving] = hold({}, often);
  BOOST_CHECK(shared_pass == pass);
  BOOST_CHECK(shared_brought == brought);
  BOOST_CHECK(shared_leaving > leaving);
}

BOOST_AUTO_TEST_CASE(a_core_that_has_not_slept_lately_meets_fewer_stalls) {
  // A stall of 0.1 ms every millisecond or so of the replica's core.
  replica_state st;
  service_time_spec spec{service_time_kind::lognormal, 1, {}, 2, {}};
  spec.stalls = stall_time{1000, {100us}};
  st.service_times = service_time_model{spec};
  auto compute = [&](caf::timespan now, bool queued) {
    auto held = st.hold(now, queued, 100ms);
    st.last_finish = now + held.held;
    return held.compute;
  };
  // The first batch: the core slept all along, and meets them all.
  BOOST_CHECK(compute(0ms, false) > 105ms);
  // Sent ahead, 100 ms after the core last slept: it meets none.
  BOOST_CHECK(compute(*st.last_finish, true) == 100ms);
  // After a wait of 2.2 ms, asleep once, 2 ms of its last 32 ms (the
  // first 0.2 ms it polled): it meets none (stalls_met_share).
  BOOST_CHECK(compute(*st.last_finish + 2200us, false) == 100ms);
  // After a wait of 7.2 ms, asleep 7 ms of 32: about 6 in 10.
  auto met_some = compute(*st.last_finish + 7200us, false);
  BOOST_CHECK(met_some > 102ms);
  // After twelve short sleeps between short passes, asleep a tenth of
  // the time but often: all of them.
  for (auto i = 0; i < 12; ++i) {
    auto now = *st.last_finish + 500us;
    st.last_finish = now + st.hold(now, false, 1ms).held;
  }
  BOOST_CHECK(compute(*st.last_finish + 500us, false) > 105ms);
  // After a sleep of 50 ms, all of them again.
  auto met_all = compute(*st.last_finish + 50ms, false);
  BOOST_CHECK(met_all > 105ms);
  BOOST_CHECK(met_some < met_all);
}

BOOST_AUTO_TEST_CASE(a_batch_that_wakes_a_core_past_its_poll_may_meet_a_stall) {
  replica_state st;
  st.options.service = cpu_profile();
  st.options.service.handoff = {30us, 0us};
  st.options.handoff = st.options.service.handoff;
  st.options.service.wake.curve = {{0us, 15us}, {800us, 60us}};
  st.options.service.wake.stalls = {1.0, {3ms}};
  service_time_spec spec{service_time_kind::lognormal, 1, {}, 2, {}};
  st.service_times = service_time_model{spec};
  auto brought = [&](caf::timespan now, bool queued) {
    auto held = st.hold(now, queued, 1ms);
    return held.held - held.compute;
  };
  // The first batch: the core waited since the start.
  BOOST_CHECK(brought(1ms, false) == 60us + 3ms);
  st.last_finish = 1ms;
  // Sent ahead (it did not sleep, however long ago the batch before
  // finished), or after a wait under 200 us: the curve alone.
  BOOST_CHECK(brought(1ms, true) == 15us);
  BOOST_CHECK(brought(5ms, true) == 15us);
  BOOST_CHECK(brought(1150us, false) < 1ms);
  // After 200 us or more: the stall too.
  BOOST_CHECK(brought(1200us, false) > 3ms);
  // With the mean model, no stalls are drawn (as the time-placed ones).
  st.service_times = service_time_model{};
  BOOST_CHECK(brought(5ms, false) < 1ms);
}

BOOST_AUTO_TEST_SUITE_END()
