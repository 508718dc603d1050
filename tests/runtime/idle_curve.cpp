#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

#include "runtime/idle_curve.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// A profile whose batch-1 pass takes 1 ms (p99 1.2 ms) right after another
/// pass, and `idle_ms` (p99 `idle_p99_ms`) after an idle pause.
profile batch_one(double idle_ms = 1.5, double idle_p99_ms = 2.2) {
  profile p;
  p.rows = {{1, 1.2, 1000.0}};
  p.idle_rows = {{1, idle_p99_ms, 1000.0 / idle_ms}};
  return p;
}

/// A served pass costs 1.1 ms sent ahead; after a wait, 1 ms plus half a
/// millisecond per 300 us of waiting, up to 2 ms (a third more than the
/// idle rows' extra time).
double cost_ms(double wait_ms) {
  return 1 + 0.5 * std::min(2.0, wait_ms / 0.3);
}

/// `count` passes after a wait of `wait_ms` each, each `spread_ms` faster
/// or slower than the cost by turns (the mean is the cost where `count` is
/// even; the p99 of a group of up to 100 is the slowest pass).
void add(std::vector<served_pass>& passes, size_t count, double wait_ms,
         double spread_ms = 0) {
  for (size_t i = 0; i < count; ++i)
    passes.push_back({false, wait_ms,
                      cost_ms(wait_ms) + (i % 2 == 0 ? spread_ms : -spread_ms)});
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
  auto curve = idle_curve_from(served(), batch_one());
  // Tail shares: each group's p99 (every pass alike: its cost) over the
  // rows' p99 of 1.2 ms, as a share of the idle rows' extra p99 of 1 ms.
  std::vector<idle_point> expected{
    {30us, 0.1, 0},      {60us, 0.2, 0},      {150us, 0.5, 0.05},
    {300us, 1.0, 0.3},   {450us, 1.5, 0.55},  {600us, 2.0, 0.8},
    {900us, 2.0, 0.8},   {1500us, 2.0, 0.8}};
  BOOST_REQUIRE_EQUAL(curve.size(), expected.size());
  for (size_t i = 0; i < curve.size(); ++i) {
    BOOST_TEST_CONTEXT("point " << i) {
      BOOST_CHECK(curve[i].wait == expected[i].wait);
      BOOST_CHECK_CLOSE(curve[i].share, expected[i].share, 1e-9);
      BOOST_CHECK_SMALL(curve[i].tail_share - expected[i].tail_share, 1e-9);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_tail_share_adds_the_pooled_excess_to_the_group_s_mean) {
  // Groups of 30 whose passes are 0.05 ms faster or slower than the cost by
  // turns, but 0.4 ms after the longest wait: the same means (shares). The
  // excess over each group's mean, pooled over the 150 passes, has a p99 of
  // 0.4 ms (the slowest 15 passes), added to every group's mean: the tail
  // shares are (cost + 0.4 - 1.2) / 1, made non-decreasing.
  std::vector<served_pass> passes;
  for (double wait : {0.03, 0.3, 0.6, 0.9})
    add(passes, 30, wait, 0.05);
  add(passes, 30, 1.5, 0.4);
  auto curve = idle_curve_from(passes, batch_one());
  BOOST_REQUIRE_EQUAL(curve.size(), 5u);
  std::vector<double> shares{0.1, 1.0, 2.0, 2.0, 2.0};
  std::vector<double> tails{0.25, 0.7, 1.2, 1.2, 1.2};
  for (size_t i = 0; i < curve.size(); ++i) {
    BOOST_TEST_CONTEXT("point " << i) {
      BOOST_CHECK_CLOSE(curve[i].share, shares[i], 1e-9);
      BOOST_CHECK_SMALL(curve[i].tail_share - tails[i], 1e-9);
    }
  }
  // Idle rows whose p99 is under 5% over the rows': no extra p99 to share
  // out, and the tail shares are the shares.
  for (const auto& point : idle_curve_from(passes, batch_one(1.5, 1.25)))
    BOOST_CHECK_EQUAL(point.tail_share, point.share);
}

BOOST_AUTO_TEST_CASE(a_longer_wait_never_shares_less_and_shares_stay_bounded) {
  auto passes = served();
  // Noise: the passes after 150 us happened to be faster than the rows;
  // those after 1.5 ms far slower than anything the profile knows.
  for (auto& pass : passes) {
    if (pass.wait_ms == 0.15)
      pass.ms = 0.9;
    if (pass.wait_ms == 1.5)
      pass.ms = 15;
  }
  auto curve = idle_curve_from(passes, batch_one());
  BOOST_REQUIRE_EQUAL(curve.size(), 8u);
  BOOST_CHECK(curve[2].wait == 150us);
  BOOST_CHECK_CLOSE(curve[2].share, curve[1].share, 1e-9);
  BOOST_CHECK_CLOSE(curve[7].share, 4.0, 1e-9);
  BOOST_CHECK_CLOSE(curve[2].tail_share, curve[1].tail_share, 1e-9);
  BOOST_CHECK_CLOSE(curve[7].tail_share, 10.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(groups_hold_at_least_thirty_passes_and_repeats_drop) {
  // 45 passes that waited: one group, its median wait 100 us.
  std::vector<served_pass> passes;
  add(passes, 20, 0.05);
  add(passes, 25, 0.1);
  auto curve = idle_curve_from(passes, batch_one());
  BOOST_REQUIRE_EQUAL(curve.size(), 1u);
  BOOST_CHECK(curve[0].wait == 100us);
  // (20 x 1.0833 + 25 x 1.1667) / 45 = 1.1296 ms: 0.259 of 0.5 ms extra.
  BOOST_CHECK_CLOSE(curve[0].share, 0.259, 1e-9);
  // Two groups with the same median wait: the point is held once.
  passes.clear();
  add(passes, 60, 0.1);
  BOOST_CHECK_EQUAL(idle_curve_from(passes, batch_one()).size(),
                    1u);
}

BOOST_AUTO_TEST_CASE(no_curve_without_waits_or_an_idle_cost) {
  std::vector<served_pass> passes(100, served_pass{true, 0.002, 1.1});
  add(passes, 29, 0.3);
  BOOST_CHECK(idle_curve_from(passes, batch_one()).empty());
  add(passes, 1, 0.3);
  BOOST_CHECK(!idle_curve_from(passes, batch_one()).empty());
  // Idle rows under 5% over the rows: nothing to share out.
  BOOST_CHECK(idle_curve_from(served(), batch_one(1.04)).empty());
}

BOOST_AUTO_TEST_SUITE_END()
