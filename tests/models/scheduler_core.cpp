#include <boost/test/unit_test.hpp>

#include "models/scheduler_core.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// 20 us after a wait of 10 us, rising to 60 us after 510 us.
wake_time slept_only() {
  wake_time wake;
  wake.curve = {{10us, 20us}, {510us, 60us}};
  return wake;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scheduler_cores)

BOOST_AUTO_TEST_CASE(results_wake_the_core_by_how_long_it_waited) {
  scheduler_core core{slept_only(), 1};
  // Nothing handled yet: the longest wait.
  BOOST_CHECK(core.woken_at(1ms) == 60us);
  // The results arrive 60 us later, and the core is busy then.
  BOOST_CHECK(core.woken_at(1060us) == 20us);
  BOOST_CHECK(core.woken_at(1080us + 260us) == 40us);
  // Any actor on it keeps it awake.
  core.busy_at(2ms);
  BOOST_CHECK(core.woken_at(2ms + 135us) == 30us);
  // Results that come while earlier ones still wake it follow them.
  BOOST_CHECK(core.woken_at(2ms + 140us) == 20us);
  // An earlier moment does not undo a later one.
  core.busy_at(3ms);
  core.busy_at(2500us);
  BOOST_CHECK(core.woken_at(3ms + 260us) == 40us);
}

BOOST_AUTO_TEST_CASE(a_core_that_still_polls_takes_the_polled_hand_off) {
  auto wake = slept_only();
  wake.poll = {15us, 200us};
  scheduler_core core{wake, 1};
  // Messages 30 us apart wake it and open its poll window (10, 20, then
  // 40 us): results 30 us later find it polling.
  for (auto t : {1000us, 1030us, 1060us, 1090us})
    core.busy_at(t);
  BOOST_CHECK(core.woken_at(1120us) == 15us);
  // A long wait halves the window (to 20 us): then they find it asleep.
  core.busy_at(3ms);
  BOOST_CHECK(core.woken_at(3030us) == 21600ns);
  // Results adapt it too (to 40 us again): the next, 30 us after those
  // arrived, find it polling.
  BOOST_CHECK(core.woken_at(3030us + 21600ns + 30us) == 15us);
  // Results that a stall held until 4 ms: the core was busy meanwhile,
  // not waiting, and its window stays (40 us).
  BOOST_CHECK(core.woken_at(3126600ns) == 15us);
  core.awake_until(4ms);
  core.busy_at(4ms);
  BOOST_CHECK(core.woken_at(4030us) == 15us);
}

BOOST_AUTO_TEST_CASE(results_that_wake_a_core_past_its_poll_may_meet_a_stall) {
  auto wake = slept_only();
  wake.stalls = {1.0, {2ms}};
  scheduler_core core{wake, 1};
  // Every wake-up after 200 us or more stalls (a share of 1): 2 ms more.
  BOOST_CHECK(core.woken_at(1ms) == 60us + 2ms);
  // The core was busy until those results arrived: 100 us later it had
  // not slept past its poll.
  BOOST_CHECK(core.woken_at(3060us + 100us) == 27200ns);
  core.busy_at(4ms);
  BOOST_CHECK(core.woken_at(4ms + 510us) == 60us + 2ms);
  // A share of none: the curve alone.
  wake.stalls = {};
  scheduler_core quiet{wake, 1};
  BOOST_CHECK(quiet.woken_at(1ms) == 60us);
}

BOOST_AUTO_TEST_SUITE_END()
