#include <boost/test/unit_test.hpp>

#include <cmath>

#include "models/durations.hpp"
#include "models/profile.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

profile resnet_v100() {
  return profile{"V100", 3,
                 {{1, 132.54, 10.0}, {2, 134.25, 19.7}, {4, 138.39, 38.6},
                  {8, 149.21, 76.1}},
                 {}, {}, {}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(profiles)

BOOST_AUTO_TEST_CASE(throughput_is_exact_at_profiled_sizes) {
  auto p = resnet_v100();
  BOOST_CHECK_EQUAL(p.throughput_qps(1), 10.0);
  BOOST_CHECK_EQUAL(p.throughput_qps(4), 38.6);
  BOOST_CHECK_EQUAL(p.max_batch(), 8u);
}

BOOST_AUTO_TEST_CASE(the_peak_batch_is_the_smallest_with_the_highest_throughput_within_a_p99) {
  BOOST_CHECK_EQUAL(resnet_v100().peak_batch(), 8u);
  auto p = profile{"cpu", 1,
                   {{1, 1, 1600}, {8, 2, 4100}, {16, 4, 4700}, {24, 6, 4700},
                    {32, 9, 3950}},
                   {}, {}, {}};
  BOOST_CHECK_EQUAL(p.peak_batch(), 16u);
  BOOST_CHECK_EQUAL(profile{}.peak_batch(), 0u);
  // Within a p99 bound: the peak among the rows that fit it.
  BOOST_CHECK_EQUAL(p.peak_batch(4), 16u);
  BOOST_CHECK_EQUAL(p.peak_batch(3.9), 8u);
  BOOST_CHECK_EQUAL(p.peak_batch(0.5), 0u);
}

BOOST_AUTO_TEST_CASE(throughput_interpolates_linearly_between_rows) {
  auto p = resnet_v100();
  BOOST_CHECK_CLOSE(p.throughput_qps(3), (19.7 + 38.6) / 2, 1e-9);
  BOOST_CHECK_CLOSE(p.throughput_qps(6), 38.6 + (76.1 - 38.6) / 2, 1e-9);
}

BOOST_AUTO_TEST_CASE(service_time_is_batch_over_throughput) {
  auto p = resnet_v100();
  // s(b) = 1000 * b / thr(b) ms: 100 ms for one request at 10 q/s.
  BOOST_CHECK(p.service_time(1) == 100ms);
  auto expected_ns = std::llround(1000.0 * 3 / ((19.7 + 38.6) / 2) * 1e6);
  BOOST_CHECK_EQUAL(p.service_time(3).count(), expected_ns);
}

BOOST_AUTO_TEST_CASE(p99_interpolates_linearly_between_rows) {
  auto p = resnet_v100();
  BOOST_CHECK_EQUAL(p.p99_ms(2), 134.25);
  BOOST_CHECK_CLOSE(p.p99_ms(6), (138.39 + 149.21) / 2, 1e-9);
}

BOOST_AUTO_TEST_CASE(an_ensemble_adds_its_members_service_times_and_p99s) {
  profile a{"CPU", 1, {{1, 2.0, 1000.0}, {4, 5.0, 2000.0}}, {}, {}, {}};
  profile b{"CPU", 1, {{1, 3.0, 500.0}, {2, 4.0, 800.0}, {8, 9.0, 1600.0}},
            {}, {}, {}};
  auto sum = sequential_sum({a, b});
  // Sizes either member profiles, up to the smaller largest batch (4).
  BOOST_REQUIRE_EQUAL(sum.rows.size(), 3u);
  BOOST_CHECK_EQUAL(sum.rows[1].batch_size, 2u);
  // At b = 2: a interpolates to 1333.3 q/s (1.5 ms) and p99 3 ms; b has
  // 800 q/s (2.5 ms) and p99 4 ms.
  BOOST_CHECK_CLOSE(to_ms(sum.service_time(2)), 1.5 + 2.5, 1e-4);
  BOOST_CHECK_CLOSE(sum.rows[1].p99_ms, 3.0 + 4.0, 1e-9);
  BOOST_CHECK(sum.idle_rows.empty());
  // Idle rows add up when every member has them.
  a.idle_rows = {{1, 4.0, 500.0}, {4, 8.0, 1000.0}};
  b.idle_rows = {{1, 6.0, 250.0}, {2, 8.0, 400.0}, {8, 18.0, 800.0}};
  auto idle = sequential_sum({a, b});
  BOOST_REQUIRE_EQUAL(idle.idle_rows.size(), 3u);
  BOOST_CHECK_CLOSE(to_ms(idle.service_time(1, true)), 2.0 + 4.0, 1e-4);
  BOOST_CHECK_CLOSE(to_ms(idle.service_time(1, false)), 1.0 + 2.0, 1e-4);
  BOOST_CHECK(idle.idle_curve.empty());
  // Idle curves: at each member's wait, the members' shares weighted by
  // what their idle rows add at batch 1 (a: 1 ms, b: 2 ms; b has none, so
  // any wait is its whole extra time), the tail shares by what they add to
  // the p99 (a: 2 ms, b: 3 ms).
  a.idle_curve = {{100us, 0.4, 0.8}, {400us, 1.0, 1.5}};
  auto curved = sequential_sum({a, b});
  BOOST_REQUIRE_EQUAL(curved.idle_curve.size(), 2u);
  BOOST_CHECK(curved.idle_curve[0].wait == 100us);
  BOOST_CHECK_CLOSE(curved.idle_curve[0].share, (0.4 * 1 + 1.0 * 2) / 3,
                    1e-9);
  BOOST_CHECK_CLOSE(curved.idle_curve[1].share, 1.0, 1e-9);
  BOOST_CHECK_CLOSE(curved.idle_curve[0].tail_share, (0.8 * 2 + 1.0 * 3) / 5,
                    1e-9);
  BOOST_CHECK_CLOSE(curved.idle_curve[1].tail_share, (1.5 * 2 + 1.0 * 3) / 5,
                    1e-9);
  // Switch rows add up when every member has them.
  BOOST_CHECK(curved.switch_rows.empty());
  a.switch_rows = {{1, 3.0, 800.0}, {4, 6.0, 1600.0}};
  b.switch_rows = {{1, 4.0, 400.0}, {2, 5.0, 640.0}, {8, 10.0, 1280.0}};
  auto switched = sequential_sum({a, b});
  BOOST_REQUIRE_EQUAL(switched.switch_rows.size(), 3u);
  BOOST_CHECK_CLOSE(switched.switch_rows[0].p99_ms, 3.0 + 4.0, 1e-9);
  BOOST_CHECK_CLOSE(to_ms(switched.switch_extra(1)),
                    (1.25 + 2.5) - (1.0 + 2.0), 1e-4);
  // One member: its own profile back.
  auto one = sequential_sum({a});
  BOOST_CHECK_CLOSE(one.rows[1].p99_ms, 5.0, 1e-9);
  BOOST_CHECK_CLOSE(one.rows[1].throughput_qps, 2000.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(an_ensemble_pays_one_hand_off_and_one_machines_spell) {
  profile a{"CPU", 1, {{1, 2.0, 1000.0}}, {}, {}, {}};
  profile b{"CPU", 1, {{1, 3.0, 500.0}}, {}, {}, {}};
  a.handoff = {20us, 90us};
  b.handoff = {30us, 60us};
  a.client_hop = {10us, 0us};
  b.client_hop = {5us, 40us};
  b.timer_late = {80us, 150us};
  a.spell = {0.4, 30ms};
  b.spell = {0.2, 90ms};
  // One batch passes one hand-off however many models run it: the longer
  // median and the longer p99, each on its own; a member without one
  // (a's timer) adds nothing. One machine: the stronger spell, whole.
  auto sum = sequential_sum({a, b});
  BOOST_CHECK(sum.handoff == (handoff_time{30us, 90us}));
  BOOST_CHECK(sum.client_hop == (handoff_time{10us, 40us}));
  BOOST_CHECK(sum.timer_late == (handoff_time{80us, 150us}));
  BOOST_CHECK(sum.spell == (spell_time{0.4, 30ms}));
  // The order of the members does not matter.
  auto swapped = sequential_sum({b, a});
  BOOST_CHECK(swapped.handoff == sum.handoff);
  BOOST_CHECK(swapped.timer_late == sum.timer_late);
  BOOST_CHECK(swapped.spell == sum.spell);
  // Wake-ups: at each member's wait the longer hand-off (a member without
  // a curve adds nothing), and the longer poll.
  a.wake.curve = {{0us, 15us}, {100us, 55us}};
  b.wake.curve = {{50us, 50us}, {500us, 70us}};
  b.wake.poll = {18us, 150us};
  auto woken = sequential_sum({a, b});
  BOOST_REQUIRE_EQUAL(woken.wake.curve.size(), 4u);
  BOOST_CHECK(woken.wake.curve[0] == (wake_point{0us, 15us}));
  BOOST_CHECK(woken.wake.curve[1] == (wake_point{50us, 50us}));
  BOOST_CHECK(woken.wake.curve[2] == (wake_point{100us, 55us}));
  BOOST_CHECK(woken.wake.curve[3] == (wake_point{500us, 70us}));
  BOOST_CHECK(woken.wake.poll == (wake_poll_time{18us, 150us}));
  BOOST_CHECK(sequential_sum({b, a}).wake.curve == woken.wake.curve);
}

BOOST_AUTO_TEST_CASE(a_wake_curve_reads_between_its_points) {
  profile p{"CPU", 1, {{1, 2.0, 1000.0}}, {}, {}, {}};
  p.handoff = {25us, 0us};
  // No curve: the handoff, none for a batch sent ahead.
  BOOST_CHECK(p.handoff_after(0us).median == 0us);
  BOOST_CHECK(p.handoff_after(1us).median == 25us);
  p.wake.curve = {{10us, 40us}, {50us, 60us}, {450us, 70us}};
  // The first point's before it, linearly between, the last's beyond; none
  // for a batch sent ahead without a point at wait 0.
  BOOST_CHECK(p.handoff_after(0us).median == 0us);
  BOOST_CHECK(p.handoff_after(1us).median == 40us);
  BOOST_CHECK(p.handoff_after(30us).median == 50us);
  BOOST_CHECK(p.handoff_after(250us).median == 65us);
  BOOST_CHECK(p.handoff_after(caf::timespan::max()).median == 70us);
}

BOOST_AUTO_TEST_CASE(the_idle_curve_shares_out_the_idle_rows_extra_time) {
  auto p = resnet_v100();
  // Without idle rows, every pass takes the rows' time.
  BOOST_CHECK_EQUAL(p.idle_share(1s), 0.0);
  BOOST_CHECK(p.service_time_after(1, 1s) == 100ms);
  // Batch 1: 100 ms right after another pass, 200 ms (p99 150 ms) after an
  // idle wait. Without a curve, any wait pays the whole extra time.
  p.idle_rows = {{1, 150.0, 5.0}, {2, 160.0, 9.0}, {4, 170.0, 20.0},
                 {8, 180.0, 40.0}};
  BOOST_CHECK_EQUAL(p.idle_share(0ns), 0.0);
  BOOST_CHECK_EQUAL(p.idle_share(1ns), 1.0);
  p.idle_curve = {{100us, 0.2, 0.4}, {300us, 0.6, 1.0}, {700us, 1.0, 2.0}};
  BOOST_CHECK_EQUAL(p.idle_share(0ns), 0.0);
  // From no share at no wait to the first point, between points linearly,
  // the last point's share beyond it.
  BOOST_CHECK_CLOSE(p.idle_share(50us), 0.1, 1e-9);
  BOOST_CHECK_CLOSE(p.idle_share(100us), 0.2, 1e-9);
  BOOST_CHECK_CLOSE(p.idle_share(200us), 0.4, 1e-9);
  BOOST_CHECK_CLOSE(p.idle_share(500us), 0.8, 1e-9);
  BOOST_CHECK_EQUAL(p.idle_share(2s), 1.0);
  BOOST_CHECK(p.service_time_after(1, 200us) == 140ms);
  BOOST_CHECK(p.service_time_after(1, 2s) == 200ms);
  BOOST_CHECK(p.service_time_after(1, 0ns) == 100ms);
  // The p99 by the tail shares, interpolated alike.
  BOOST_CHECK_CLOSE(p.idle_tail_share(200us), 0.7, 1e-9);
  BOOST_CHECK_CLOSE(p.idle_tail_share(2s), 2.0, 1e-9);
  BOOST_CHECK_CLOSE(p.p99_ms_after(1, 200us), 132.54 + 0.7 * (150 - 132.54),
                    1e-9);
  BOOST_CHECK_EQUAL(p.p99_ms_after(1, 0ns), 132.54);
  // A curve that stops short of 1 leaves long waits at its last share.
  p.idle_curve = {{100us, 0.5}};
  BOOST_CHECK(p.service_time_after(1, 1s) == 150ms);
  // Beyond 1, the idle rows' extra time stretches; the clock's limit holds.
  p.idle_curve = {{100us, 1.5}};
  BOOST_CHECK(p.service_time_after(1, 1s) == 250ms);
  p.idle_curve = {{100us, 1e30}};
  BOOST_CHECK(p.service_time_after(1, 1s) == max_scenario_duration);
}

BOOST_AUTO_TEST_CASE(switch_rows_price_a_change_of_batch_size) {
  profile p{"CPU", 1, {{1, 2.0, 1000.0}, {4, 5.0, 2000.0}}, {}, {}, {}};
  // Without switch rows a change of size costs nothing.
  BOOST_CHECK(p.switch_extra(1).count() == 0);
  BOOST_CHECK_EQUAL(p.switch_extra_p99_ms(4), 0.0);
  // 1.25 ms and p99 2.5 ms at batch 1 against 1 ms and 2 ms; 2.5 ms at
  // batch 4 against 2 ms.
  p.switch_rows = {{1, 2.5, 800.0}, {4, 6.0, 1600.0}};
  BOOST_CHECK_CLOSE(to_ms(p.switch_extra(1)), 0.25, 1e-6);
  BOOST_CHECK_CLOSE(p.switch_extra_p99_ms(1), 0.5, 1e-9);
  BOOST_CHECK_CLOSE(to_ms(p.switch_extra(4)), 0.5, 1e-6);
  // Between rows, each read on its own line of throughput; the extra is
  // their difference.
  auto rows_ms = 2000.0 / (1000.0 + 1000.0 / 3);
  auto switch_ms = 2000.0 / (800.0 + 800.0 / 3);
  BOOST_CHECK_CLOSE(to_ms(p.switch_extra(2)), switch_ms - rows_ms, 1e-4);
  // Faster than the rows at batch 4: no extra (never below 0).
  p.switch_rows[1] = {4, 4.0, 2500.0};
  BOOST_CHECK(p.switch_extra(4).count() == 0);
  BOOST_CHECK_EQUAL(p.switch_extra_p99_ms(4), 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
