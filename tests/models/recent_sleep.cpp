#include <boost/test/unit_test.hpp>

#include <chrono>

#include "models/recent_sleep.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(recent_sleep_tests)

BOOST_AUTO_TEST_CASE(a_core_s_sleep_counts_over_the_window_before_now) {
  recent_sleep core;
  BOOST_CHECK_EQUAL(core.share(10ms), 0.0);
  core.slept(0ms, 8ms);
  BOOST_CHECK_CLOSE(core.share(32ms), 0.25, 1e-9);
  // Half of that sleep is behind the window at 36 ms, then all of it.
  BOOST_CHECK_CLOSE(core.share(36ms), 0.125, 1e-9);
  BOOST_CHECK_EQUAL(core.share(40ms), 0.0);
  // Only what slept before now counts; empty spans count for nothing.
  core.slept(50ms, 60ms);
  core.slept(61ms, 61ms);
  BOOST_CHECK_CLOSE(core.share(55ms), 5.0 / 32, 1e-9);
  BOOST_CHECK_CLOSE(core.share(70ms), 10.0 / 32, 1e-9);
  core.slept(70ms, 102ms);
  BOOST_CHECK_CLOSE(core.share(102ms), 1.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(a_core_that_hardly_slept_meets_few_stalls) {
  BOOST_CHECK_EQUAL(stalls_met_share(0), 0.0);
  BOOST_CHECK_CLOSE(stalls_met_share(0.02), 0.2, 1e-9);
  BOOST_CHECK_CLOSE(stalls_met_share(0.05), 0.5, 1e-9);
  BOOST_CHECK_EQUAL(stalls_met_share(full_stalls_sleep_share), 1.0);
  BOOST_CHECK_EQUAL(stalls_met_share(0.7), 1.0);
}

BOOST_AUTO_TEST_SUITE_END()
