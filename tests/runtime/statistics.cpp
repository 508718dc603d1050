#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
