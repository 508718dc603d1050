#include <boost/test/unit_test.hpp>

#include <chrono>

#include "models/recent_sleep.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(recent_sleep_tests)

BOOST_AUTO_TEST_CASE(a_core_s_sleep_counts_over_the_window_before_now) {
  recent_sleep core;
  auto share = [&](caf::timespan now) { return core.read(now).share; };
  auto sleeps = [&](caf::timespan now) { return core.read(now).sleeps; };
  BOOST_CHECK_EQUAL(share(10ms), 0.0);
  BOOST_CHECK_EQUAL(sleeps(10ms), 0u);
  core.slept(0ms, 8ms);
  BOOST_CHECK_CLOSE(share(32ms), 0.25, 1e-9);
  BOOST_CHECK_EQUAL(sleeps(32ms), 1u);
  // Half of that sleep is behind the window at 36 ms, then all of it.
  BOOST_CHECK_CLOSE(share(36ms), 0.125, 1e-9);
  BOOST_CHECK_EQUAL(sleeps(36ms), 1u);
  BOOST_CHECK_EQUAL(share(40ms), 0.0);
  BOOST_CHECK_EQUAL(sleeps(40ms), 0u);
  // Only what slept before now counts; empty spans count for nothing.
  core.slept(50ms, 60ms);
  core.slept(61ms, 61ms);
  core.slept(62ms, 63ms);
  BOOST_CHECK_CLOSE(share(55ms), 5.0 / 32, 1e-9);
  BOOST_CHECK_EQUAL(sleeps(55ms), 1u);
  BOOST_CHECK_CLOSE(share(70ms), 11.0 / 32, 1e-9);
  BOOST_CHECK_EQUAL(sleeps(70ms), 2u);
  core.slept(70ms, 102ms);
  BOOST_CHECK_CLOSE(share(102ms), 1.0, 1e-9);
  BOOST_CHECK_EQUAL(sleeps(102ms), 1u);
}

BOOST_AUTO_TEST_CASE(a_core_that_slept_seldom_and_little_meets_few_stalls) {
  auto met = [](double share, std::size_t sleeps) {
    return stalls_met_share({share, sleeps});
  };
  // Near saturation: a few short sleeps.
  BOOST_CHECK_EQUAL(met(0, 0), 0.0);
  BOOST_CHECK_EQUAL(met(0.05, stalls_met_from_sleeps), 0.0);
  // Often: by the count, whatever the time asleep.
  BOOST_CHECK_CLOSE(met(0.05, 8), 1.0 / 3, 1e-9);
  BOOST_CHECK_EQUAL(met(0.02, full_stalls_sleeps), 1.0);
  BOOST_CHECK_EQUAL(met(0.02, 40), 1.0);
  // Long: by the time asleep, however seldom.
  BOOST_CHECK_CLOSE(met(0.2, 1), 0.5, 1e-9);
  BOOST_CHECK_EQUAL(met(full_stalls_sleep_share, 1), 1.0);
  BOOST_CHECK_EQUAL(met(1.0, 1), 1.0);
  // Both part way: the larger.
  BOOST_CHECK_CLOSE(met(0.15, 9), 2.0 / 3, 1e-9);
  BOOST_CHECK_CLOSE(met(0.25, 8), 0.75, 1e-9);
}

BOOST_AUTO_TEST_SUITE_END()
