#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

#include "runtime/idle_curve.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// A pass costs 1 ms sent ahead and 1.5 ms after a wait of 300 us or more,
/// growing linearly in between.
double cost_ms(double wait_ms) {
  return 1 + 0.5 * std::min(1.0, wait_ms / 0.3);
}

/// `count` passes after a wait of `wait_ms` each (sent ahead: none).
void add(std::vector<served_pass>& passes, size_t count, double wait_ms,
         bool sent_ahead = false) {
  for (size_t i = 0; i < count; ++i)
    passes.push_back({sent_ahead, wait_ms, cost_ms(sent_ahead ? 0 : wait_ms)});
}

/// 40 passes sent ahead, six groups of 30 after short waits, 40 after
/// 1.2 ms, in a shuffled order.
std::vector<served_pass> served() {
  std::vector<served_pass> passes;
  add(passes, 40, 0.001, true);
  for (double wait : {0.05, 0.1, 0.15, 0.2, 0.3, 0.6})
    add(passes, 30, wait);
  add(passes, 40, 1.2);
  std::shuffle(passes.begin(), passes.end(), std::mt19937_64{7});
  return passes;
}

} // namespace

BOOST_AUTO_TEST_SUITE(idle_curves)

BOOST_AUTO_TEST_CASE(each_group_s_share_is_of_the_long_waits_extra_time) {
  auto curve = idle_curve_from(served(), 1.0);
  std::vector<idle_point> expected{{50us, 0.167},  {100us, 0.333},
                                   {150us, 0.5},   {200us, 0.667},
                                   {300us, 1.0},   {600us, 1.0},
                                   {1200us, 1.0}};
  BOOST_REQUIRE_EQUAL(curve.size(), expected.size());
  for (size_t i = 0; i < curve.size(); ++i) {
    BOOST_CHECK(curve[i].wait == expected[i].wait);
    BOOST_CHECK_CLOSE(curve[i].share, expected[i].share, 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(a_longer_wait_never_shares_less) {
  auto passes = served();
  // Noise: the passes after 200 us happened to be as fast as sent ahead.
  for (auto& pass : passes)
    if (pass.wait_ms == 0.2)
      pass.ms = 1.0;
  auto curve = idle_curve_from(passes, 1.0);
  BOOST_REQUIRE_EQUAL(curve.size(), 7u);
  BOOST_CHECK(curve[3].wait == 200us);
  BOOST_CHECK_CLOSE(curve[3].share, curve[2].share, 1e-9);
}

BOOST_AUTO_TEST_CASE(groups_hold_at_least_thirty_passes_and_repeats_drop) {
  std::vector<served_pass> passes;
  add(passes, 20, 0.001, true);
  add(passes, 20, 1.5);
  // 45 short waits: one group, its median wait 100 us.
  add(passes, 20, 0.05);
  add(passes, 25, 0.1);
  auto curve = idle_curve_from(passes, 1.0);
  BOOST_REQUIRE_EQUAL(curve.size(), 2u);
  BOOST_CHECK(curve[0].wait == 100us);
  BOOST_CHECK(curve[1].wait == 1500us);
  // Two groups with the same median wait: the point is held once.
  passes.clear();
  add(passes, 20, 0.001, true);
  add(passes, 20, 1.5);
  add(passes, 60, 0.1);
  auto twice = idle_curve_from(passes, 1.0);
  BOOST_REQUIRE_EQUAL(twice.size(), 2u);
  BOOST_CHECK(twice[0].wait == 100us);
  BOOST_CHECK_CLOSE(twice[0].share, 0.333, 1e-9);
}

BOOST_AUTO_TEST_CASE(no_curve_without_references_or_an_idle_cost) {
  auto few = [](size_t ahead, size_t long_waits) {
    std::vector<served_pass> passes;
    add(passes, ahead, 0.001, true);
    add(passes, 60, 0.1);
    add(passes, long_waits, 1.2);
    return idle_curve_from(passes, 1.0);
  };
  BOOST_CHECK(!few(20, 20).empty());
  BOOST_CHECK(few(19, 40).empty());
  BOOST_CHECK(few(40, 19).empty());
  // Under 5% more after a long wait: nothing to share out.
  auto passes = served();
  for (auto& pass : passes)
    pass.ms = pass.wait_ms >= 1.0 ? 1.04 : 1.0;
  BOOST_CHECK(idle_curve_from(passes, 1.0).empty());
}

BOOST_AUTO_TEST_SUITE_END()
