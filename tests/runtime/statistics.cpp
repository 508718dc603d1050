#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "runtime/statistics.hpp"

using namespace troupe;

BOOST_AUTO_TEST_SUITE(statistics)

BOOST_AUTO_TEST_CASE(percentiles_use_the_nearest_rank) {
  std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  BOOST_CHECK_EQUAL(nearest_rank(ten, 50), 5);
  BOOST_CHECK_EQUAL(nearest_rank(ten, 90), 9);
  BOOST_CHECK_EQUAL(nearest_rank(ten, 99), 10);
  BOOST_CHECK_EQUAL(nearest_rank(ten, 1), 1);
  std::vector<double> thousand(1000);
  for (size_t i = 0; i < thousand.size(); ++i)
    thousand[i] = double(i + 1);
  BOOST_CHECK_EQUAL(nearest_rank(thousand, 99.9), 999);
  BOOST_CHECK_EQUAL(nearest_rank({}, 50), 0);
}

BOOST_AUTO_TEST_CASE(a_percentile_of_all_counts_the_missing_as_late) {
  std::vector<double> completed(99);
  for (size_t i = 0; i < completed.size(); ++i)
    completed[i] = double(i + 1);
  // 99 of 100 completed: the p99 is the slowest of them.
  BOOST_CHECK_EQUAL(nearest_rank_of_all(completed, 100, 99), 99);
  // 99 of 101: rank 100 falls on a missing one.
  BOOST_CHECK(std::isinf(nearest_rank_of_all(completed, 101, 99)));
  BOOST_CHECK_EQUAL(nearest_rank_of_all(completed, 101, 50), 51);
  BOOST_CHECK_EQUAL(nearest_rank_of_all({}, 0, 99), 0);
  BOOST_CHECK(std::isinf(nearest_rank_of_all({}, 3, 99)));
}

BOOST_AUTO_TEST_CASE(summaries_sort_and_average) {
  std::vector<double> xs{3, 1, 2};
  auto s = summarize_latencies(xs);
  BOOST_CHECK_EQUAL(s.count, 3u);
  BOOST_CHECK_EQUAL(s.mean, 2);
  BOOST_CHECK_EQUAL(s.p50, 2);
  BOOST_CHECK_EQUAL(s.max, 3);
}

BOOST_AUTO_TEST_CASE(a_typical_percentile_leaves_out_one_burst) {
  // 1,000 samples in the order taken, each window's p99 about 100; a stall
  // delays 20 neighbours in the middle: the whole's p99 is the stall's.
  std::vector<double> taken(1000);
  for (size_t i = 0; i < taken.size(); ++i)
    taken[i] = double(i % 100 + 1);
  for (size_t i = 500; i < 520; ++i)
    taken[i] = 5000;
  auto whole = taken;
  BOOST_CHECK_EQUAL(summarize_latencies(whole).p99, 5000);
  BOOST_CHECK_EQUAL(typical_percentile(taken, 99), 99);
  BOOST_CHECK_EQUAL(typical_percentile(taken, 50), 50);
  // Stalls in every window are the machine's usual, and count.
  for (size_t i = 0; i < taken.size(); i += 50)
    taken[i] = 5000;
  BOOST_CHECK_EQUAL(typical_percentile(taken, 99), 5000);
  // Under 600 samples: one window, the plain percentile.
  std::vector<double> few(taken.begin(), taken.begin() + 599);
  auto sorted = few;
  std::sort(sorted.begin(), sorted.end());
  BOOST_CHECK_EQUAL(typical_percentile(few, 99), nearest_rank(sorted, 99));
  BOOST_CHECK_EQUAL(typical_percentile({}, 99), 0);
}

BOOST_AUTO_TEST_CASE(a_resampled_gap_spans_what_its_pairs_spread) {
  std::vector<double> hundred(100);
  std::vector<double> doubled(100);
  for (size_t i = 0; i < hundred.size(); ++i) {
    hundred[i] = double(i + 1);
    doubled[i] = 2 * double(i + 1);
  }
  // One pair: its own gap at both ends.
  auto one = resampled_percentile_gap({{&hundred, &doubled}}, 99, 0.9);
  BOOST_CHECK_EQUAL(one.low, 100);
  BOOST_CHECK_EQUAL(one.high, 100);
  // A pair without a gap and one at +100%: a quarter of the draws pool
  // the first twice (0%), a quarter the second (+100%), so the central 90%
  // reaches both.
  std::vector<paired_samples> two{{&hundred, &hundred}, {&hundred, &doubled}};
  auto spread = resampled_percentile_gap(two, 99, 0.9);
  BOOST_CHECK_EQUAL(spread.low, 0);
  BOOST_CHECK_EQUAL(spread.high, 100);
  // The same draws every time (a fixed seed).
  auto again = resampled_percentile_gap(two, 99, 0.5);
  auto once_more = resampled_percentile_gap(two, 99, 0.5);
  BOOST_CHECK_EQUAL(again.low, once_more.low);
  BOOST_CHECK_EQUAL(again.high, once_more.high);
  BOOST_CHECK_EQUAL(resampled_percentile_gap({}, 99, 0.9).high, 0);
}

BOOST_AUTO_TEST_SUITE_END()
