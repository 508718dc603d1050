#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

#include "runtime/idle_curve.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// The profile's batch-1 times: 1 ms right after another pass, 1.5 ms after
/// an idle pause.
constexpr double rows_ms = 1.0;
constexpr double idle_rows_ms = 1.5;

/// A served pass costs 1.1 ms sent ahead; after a wait, 1 ms plus half a
/// millisecond per 300 us of waiting, up to 2 ms (a third more than the
/// idle rows' extra time).
double cost_ms(double wait_ms) {
  return 1 + 0.5 * std::min(2.0, wait_ms / 0.3);
}

/// `count` passes after a wait of `wait_ms` each.
void add(std::vector<served_pass>& passes, size_t count, double wait_ms) {
  for (size_t i = 0; i < count; ++i)
    passes.push_back({false, wait_ms, cost_ms(wait_ms)});
}

/// 50 passes sent ahead (the curve leaves them out) and eight groups of 30
/// after waits, in a shuffled order.
std::vector<served_pass> served() {
  std::vector<served_pass> passes(50, served_pass{true, 0.002, 1.1});
  for (double wait : {0.03, 0.06, 0.15, 0.3, 0.45, 0.6, 0.9, 1.5})
    add(passes, 30, wait);
  std::shuffle(passes.begin(), passes.end(), std::mt19937_64{7});
  return passes;
}

} // namespace

BOOST_AUTO_TEST_SUITE(idle_curves)

BOOST_AUTO_TEST_CASE(each_group_s_share_is_of_the_profile_s_idle_extra_time) {
  auto curve = idle_curve_from(served(), rows_ms, idle_rows_ms);
  std::vector<idle_point> expected{{30us, 0.1},  {60us, 0.2},   {150us, 0.5},
                                   {300us, 1.0}, {450us, 1.5},  {600us, 2.0},
                                   {900us, 2.0}, {1500us, 2.0}};
  BOOST_REQUIRE_EQUAL(curve.size(), expected.size());
  for (size_t i = 0; i < curve.size(); ++i) {
    BOOST_CHECK(curve[i].wait == expected[i].wait);
    BOOST_CHECK_CLOSE(curve[i].share, expected[i].share, 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(a_longer_wait_never_shares_less_and_shares_stay_bounded) {
  auto passes = served();
  // Noise: the passes after 150 us happened to be faster than the rows;
  // those after 1.5 ms far slower than anything the profile knows.
  for (auto& pass : passes) {
    if (pass.wait_ms == 0.15)
      pass.ms = 0.9;
    if (pass.wait_ms == 1.5)
      pass.ms = 10;
  }
  auto curve = idle_curve_from(passes, rows_ms, idle_rows_ms);
  BOOST_REQUIRE_EQUAL(curve.size(), 8u);
  BOOST_CHECK(curve[2].wait == 150us);
  BOOST_CHECK_CLOSE(curve[2].share, curve[1].share, 1e-9);
  BOOST_CHECK_CLOSE(curve[7].share, 4.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(groups_hold_at_least_thirty_passes_and_repeats_drop) {
  // 45 passes that waited: one group, its median wait 100 us.
  std::vector<served_pass> passes;
  add(passes, 20, 0.05);
  add(passes, 25, 0.1);
  auto curve = idle_curve_from(passes, rows_ms, idle_rows_ms);
  BOOST_REQUIRE_EQUAL(curve.size(), 1u);
  BOOST_CHECK(curve[0].wait == 100us);
  // (20 x 1.0833 + 25 x 1.1667) / 45 = 1.1296 ms: 0.259 of 0.5 ms extra.
  BOOST_CHECK_CLOSE(curve[0].share, 0.259, 1e-9);
  // Two groups with the same median wait: the point is held once.
  passes.clear();
  add(passes, 60, 0.1);
  BOOST_CHECK_EQUAL(idle_curve_from(passes, rows_ms, idle_rows_ms).size(),
                    1u);
}

BOOST_AUTO_TEST_CASE(no_curve_without_waits_or_an_idle_cost) {
  std::vector<served_pass> passes(100, served_pass{true, 0.002, 1.1});
  add(passes, 29, 0.3);
  BOOST_CHECK(idle_curve_from(passes, rows_ms, idle_rows_ms).empty());
  add(passes, 1, 0.3);
  BOOST_CHECK(!idle_curve_from(passes, rows_ms, idle_rows_ms).empty());
  // Idle rows under 5% over the rows: nothing to share out.
  BOOST_CHECK(idle_curve_from(served(), rows_ms, 1.04).empty());
}

BOOST_AUTO_TEST_SUITE_END()
