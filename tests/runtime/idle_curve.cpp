#include <boost/test/unit_test.hpp>

#include <map>

#include "runtime/idle_curve.hpp"
#include "runtime/model_profiler.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

profiler_options three_rounds() {
  profiler_options options;
  options.min_runs = 3;
  options.max_runs = 3;
  options.min_seconds = 0;
  return options;
}

double ms_of(std::chrono::microseconds x) {
  return double(x.count()) / 1000;
}

} // namespace

BOOST_AUTO_TEST_SUITE(idle_curves)

BOOST_AUTO_TEST_CASE(each_pause_s_share_is_of_the_idle_pause_s_extra_time) {
  // A pass takes 1 ms right after another and 1.5 ms after 300 us or more,
  // growing linearly in between; the wait is the pause.
  std::map<int64_t, int> calls;
  auto run_after = [&](std::chrono::microseconds pause) {
    ++calls[pause.count()];
    auto wait = ms_of(pause);
    return timed_pass{wait, 1 + 0.5 * std::min(1.0, wait / 0.3)};
  };
  auto curve = measure_idle_curve(run_after, three_rounds());
  // Every pause as often: no pause, the curve's seven, the idle pause.
  BOOST_REQUIRE_EQUAL(calls.size(), 9u);
  for (auto [pause, count] : calls)
    BOOST_CHECK_EQUAL(count, 3);
  std::vector<idle_point> expected{{10us, 0.033}, {25us, 0.083},
                                   {50us, 0.167}, {100us, 0.333},
                                   {200us, 0.667}, {400us, 1.0},
                                   {700us, 1.0},  {1000us, 1.0}};
  BOOST_REQUIRE_EQUAL(curve.size(), expected.size());
  for (size_t i = 0; i < curve.size(); ++i) {
    BOOST_CHECK(curve[i].wait == expected[i].wait);
    BOOST_CHECK_CLOSE(curve[i].share, expected[i].share, 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(a_longer_wait_never_shares_less) {
  // Noise: the passes after 200 us happened to be as fast as none.
  auto run_after = [](std::chrono::microseconds pause) {
    auto wait = ms_of(pause);
    double ms = pause == 200us ? 1.0 : 1 + 0.5 * std::min(1.0, wait / 0.3);
    return timed_pass{wait, ms};
  };
  auto curve = measure_idle_curve(run_after, three_rounds());
  BOOST_REQUIRE_EQUAL(curve.size(), 8u);
  BOOST_CHECK(curve[4].wait == 200us);
  BOOST_CHECK_CLOSE(curve[4].share, curve[3].share, 1e-9);
}

BOOST_AUTO_TEST_CASE(the_wait_is_what_the_passes_saw_and_repeats_drop) {
  // Sleeps never shorter than 60 us: the first three pauses saw the same
  // wait, which the curve holds once (at the smallest pause's share).
  auto run_after = [](std::chrono::microseconds pause) {
    auto wait = pause.count() == 0 ? 0.0 : std::max(ms_of(pause), 0.06);
    return timed_pass{wait, 1 + 0.5 * std::min(1.0, wait / 0.3)};
  };
  auto curve = measure_idle_curve(run_after, three_rounds());
  BOOST_REQUIRE_EQUAL(curve.size(), 6u);
  BOOST_CHECK(curve[0].wait == 60us);
  BOOST_CHECK_CLOSE(curve[0].share, 0.2, 1e-9);
  BOOST_CHECK(curve[1].wait == 100us);
}

BOOST_AUTO_TEST_CASE(no_curve_where_idling_costs_nothing_or_none_is_asked) {
  // Under 5% more after the idle pause: nothing to share out.
  auto flat = [](std::chrono::microseconds pause) {
    return timed_pass{ms_of(pause), pause == 1000us ? 1.04 : 1.0};
  };
  BOOST_CHECK(measure_idle_curve(flat, three_rounds()).empty());
  auto options = three_rounds();
  options.idle_curve_pauses.clear();
  int calls = 0;
  auto counted = [&](std::chrono::microseconds pause) {
    ++calls;
    return timed_pass{ms_of(pause), 1 + ms_of(pause)};
  };
  BOOST_CHECK(measure_idle_curve(counted, options).empty());
  BOOST_CHECK_EQUAL(calls, 0);
}

BOOST_AUTO_TEST_SUITE_END()
