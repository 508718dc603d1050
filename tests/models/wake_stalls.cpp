#include <boost/test/unit_test.hpp>

#include "models/durations.hpp"
#include "models/machine_stalls.hpp"
#include "models/wake_stalls.hpp"
#include "runtime/stall_fit.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(wake_stalls_tests)

BOOST_AUTO_TEST_CASE(only_a_wake_up_past_the_poll_stalls) {
  wake_stalls always{1.0, {1ms, 3ms}};
  std::mt19937_64 random{1};
  BOOST_CHECK(draw_wake_stall(always, 199us, random) == 0us);
  for (int i = 0; i < 100; ++i) {
    auto stall = draw_wake_stall(always, 200us, random);
    BOOST_CHECK(stall >= 1ms && stall <= 3ms);
  }
  // Not modelled: no stall, and no draw taken.
  std::mt19937_64 untouched{1};
  std::mt19937_64 reference{1};
  BOOST_CHECK(draw_wake_stall(wake_stalls{}, 1s, untouched) == 0us);
  BOOST_CHECK(draw_wake_stall(wake_stalls{0.5, {}}, 1s, untouched) == 0us);
  BOOST_CHECK(draw_wake_stall(always, 100us, untouched) == 0us);
  BOOST_CHECK(untouched() == reference());
}

BOOST_AUTO_TEST_CASE(a_share_of_the_wake_ups_stalls_as_long_as_measured) {
  // 5 in 1,000, of 1 to 3 ms (2 ms on average): 10 us a wake-up.
  wake_stalls some{0.005, {1ms, 2ms, 3ms}};
  BOOST_CHECK(some.mean() == 10us);
  std::mt19937_64 random{7};
  int stalled = 0;
  caf::timespan total{0};
  constexpr int wake_ups = 200000;
  for (int i = 0; i < wake_ups; ++i) {
    auto stall = draw_wake_stall(some, 1ms, random);
    stalled += stall > 0us ? 1 : 0;
    total += stall;
  }
  // 1,000 expected: within four standard deviations (about 32).
  BOOST_CHECK_CLOSE(double(stalled), 1000, 13);
  BOOST_REQUIRE_GT(stalled, 0);
  BOOST_CHECK_CLOSE(double(total.count()) / double(stalled) / 1e6, 2.0, 5);
  BOOST_CHECK(to_string(some)
              == "5.0 in 1,000 wake-ups after 200 us or more, 1.00 to 3.00 "
                 "ms (median 2.00 ms)");
  BOOST_CHECK(to_string(wake_stalls{}) == "none");
}

BOOST_AUTO_TEST_CASE(measured_wake_stalls_have_a_tail_beyond_the_longest) {
  // Two of 400 wake-ups stalled, 1 and 3 ms: read with the measured tail,
  // a third of the stalls beyond 3 ms (4.5 ms on average, less the cut).
  auto fit = fit_wake_stalls({3.0, 1.0}, 400);
  BOOST_CHECK_EQUAL(fit.share, 0.005);
  BOOST_REQUIRE_EQUAL(fit.durations.size(), 2u);
  BOOST_CHECK_EQUAL(fit.tail_index, measured_stall_tail_index);
  auto tail_ms = 3 + 1.5 * (1 - 0.03 * 0.03);
  BOOST_CHECK_CLOSE(to_ms(fit.mean()),
                    0.005 * (2.0 / 3 * 2 + 1.0 / 3 * tail_ms), 0.01);
  std::mt19937_64 random{3};
  wake_stalls always = fit;
  always.share = 1;
  int beyond = 0;
  for (int i = 0; i < 30000; ++i)
    beyond += draw_wake_stall(always, 1ms, random) > 3ms ? 1 : 0;
  BOOST_CHECK_CLOSE(double(beyond), 10000, 3);
}

BOOST_AUTO_TEST_CASE(the_busier_of_two_adds_more_time_per_wake_up) {
  wake_stalls few_long{0.001, {10ms}};
  wake_stalls many_short{0.03, {500us}};
  BOOST_CHECK(busier(few_long, many_short) == many_short);
  BOOST_CHECK(busier(many_short, few_long) == many_short);
  BOOST_CHECK(busier(wake_stalls{}, few_long) == few_long);
}

BOOST_AUTO_TEST_SUITE_END()
