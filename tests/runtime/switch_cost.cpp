#include <boost/test/unit_test.hpp>

#include <vector>

#include "runtime/switch_cost.hpp"

using namespace troupe;

namespace {

/// Batches of 1, 2 and 4 take 1, 1.5 and 2.5 ms right after another pass
/// (the same after a wait: no idle rows).
profile rows_only() {
  profile p;
  p.rows = {{1, 1.2, 1000.0}, {2, 1.8, 2000.0 / 1.5}, {4, 3.0, 4000.0 / 2.5}};
  return p;
}

/// `count` passes of `size` after one of `previous`, each `factor` times
/// what rows_only charges, 50 us after the pass before.
void add(std::vector<served_pass>& passes, uint32_t size, uint32_t previous,
         double factor, size_t count) {
  auto ms = 1000.0 * size / rows_only().throughput_qps(size);
  for (size_t i = 0; i < count; ++i)
    passes.push_back({false, 0.05, factor * ms, size, previous});
}

} // namespace

BOOST_AUTO_TEST_SUITE(switch_costs)

BOOST_AUTO_TEST_CASE(a_change_of_size_is_priced_against_the_same_size) {
  std::vector<served_pass> passes;
  // Batch 1: 15% longer after another size. Batch 2: 5% (on a machine 10%
  // slower than the rows throughout: the factor is a ratio of the two).
  add(passes, 1, 1, 1.0, 40);
  add(passes, 1, 2, 1.15, 40);
  add(passes, 2, 2, 1.1, 30);
  add(passes, 2, 1, 1.1 * 1.05, 30);
  // Batch 4: too few after a pass of the same size to count.
  add(passes, 4, 4, 1.0, 29);
  add(passes, 4, 2, 1.5, 40);
  // Sent ahead: not a wait, not counted.
  for (int i = 0; i < 40; ++i)
    passes.push_back({true, 0, 10.0, 2, 1});
  auto p = rows_only();
  auto rows = switch_rows_from(passes, p);
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_EQUAL(rows[0].batch_size, 1u);
  BOOST_CHECK_CLOSE(rows[0].throughput_qps, 1000.0 / 1.15, 0.05);
  BOOST_CHECK_CLOSE(rows[0].p99_ms, 1.2 * 1.15, 0.05);
  BOOST_CHECK_CLOSE(rows[1].throughput_qps, 2000.0 / 1.5 / 1.05, 0.05);
  // Beyond the largest size measured, its factor.
  BOOST_CHECK_EQUAL(rows[2].batch_size, 4u);
  BOOST_CHECK_CLOSE(rows[2].throughput_qps, 4000.0 / 2.5 / 1.05, 0.05);
}

BOOST_AUTO_TEST_CASE(factors_are_read_between_sizes_and_kept_within_bounds) {
  std::vector<served_pass> passes;
  // Measured at 1 (x1.2) and 4 (x1.05): 2 lies a third of the way.
  add(passes, 1, 1, 1.0, 30);
  add(passes, 1, 4, 1.2, 30);
  add(passes, 4, 4, 1.0, 30);
  add(passes, 4, 1, 1.05, 30);
  auto rows = switch_rows_from(passes, rows_only());
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_CLOSE(rows[1].throughput_qps, 2000.0 / 1.5 / 1.15, 0.05);
  // Faster after another size: no switch cost (a factor of 1); more than
  // twice as long: 2.
  passes.clear();
  add(passes, 1, 1, 1.0, 30);
  add(passes, 1, 2, 0.8, 30);
  add(passes, 2, 2, 1.0, 30);
  add(passes, 2, 1, 3.0, 30);
  rows = switch_rows_from(passes, rows_only());
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_CLOSE(rows[0].throughput_qps, 1000.0, 0.05);
  BOOST_CHECK_CLOSE(rows[1].throughput_qps, 2000.0 / 1.5 / 2, 0.05);
  // No size with both groups: none.
  passes.clear();
  add(passes, 1, 1, 1.0, 100);
  BOOST_CHECK(switch_rows_from(passes, rows_only()).empty());
}

BOOST_AUTO_TEST_CASE(a_pass_is_taken_over_what_its_wait_costs) {
  // Idle rows twice the rows, taken in full after any wait (no idle curve):
  // passes of the same size after 50 us, at the idle rows' time; passes
  // after another size right after their batch (sent ahead is not counted,
  // so a wait of 0), at the rows' time times 1.1.
  auto p = rows_only();
  p.idle_rows = {{1, 2.4, 500.0}, {2, 3.6, 2000.0 / 3}, {4, 6.0, 800.0}};
  std::vector<served_pass> passes;
  for (int i = 0; i < 30; ++i) {
    passes.push_back({false, 0.05, 2.0, 1, 1});
    passes.push_back({false, 0.0, 1.1, 1, 2});
  }
  auto rows = switch_rows_from(passes, p);
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_CLOSE(rows[0].throughput_qps, 1000.0 / 1.1, 0.05);
}

BOOST_AUTO_TEST_SUITE_END()
