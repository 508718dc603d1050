// The per-second series of a Rafiki run: each step serves the oldest
// requests not yet served (a FIFO queue), so the series follows every
// request from the step records alone.

#include <boost/test/unit_test.hpp>

#include "runtime/rafiki_series.hpp"

using namespace troupe;

namespace {

arrival_times at_seconds(const std::vector<double>& times) {
  arrival_times result;
  for (double t : times)
    result.emplace_back(static_cast<int64_t>(t * 1e9));
  return result;
}

rafiki::step_record step(double time_s, uint32_t served, double finish_s,
                         uint32_t mask, double accuracy) {
  rafiki::step_record s;
  s.time_s = time_s;
  s.served = served;
  s.batch_size = 16;
  s.finish_s = finish_s;
  s.mask = mask;
  s.accuracy = accuracy;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rafiki_series_tests)

BOOST_AUTO_TEST_CASE(requests_are_followed_in_arrival_order) {
  // Overdue beyond 9 s. Step 1 at 1.0 s serves the two oldest (latencies
  // 1.0 - 0.1 + 0.5 = 1.4 and 1.3); step 2 at 2.0 s serves the third
  // (2.0 - 1.5 + 9 = 9.5: overdue) and the fourth (2.0 - 1.75 + 9 = 9.25:
  // overdue too).
  rafiki_series series{at_seconds({0.1, 0.2, 1.5, 1.75}), 9.0};
  series.add(step(1.0, 2, 0.5, 0b111, 0.8));
  series.add(step(2.0, 2, 9.0, 0b001, 0.7));
  const auto& s = series.seconds();
  BOOST_REQUIRE_EQUAL(s.size(), 3u);
  BOOST_CHECK_EQUAL(s[0].arrivals, 2u);
  BOOST_CHECK_EQUAL(s[0].served, 2u);
  BOOST_CHECK_EQUAL(s[0].overdue, 0u);
  BOOST_CHECK_CLOSE(s[0].latency_max_s, 1.4, 1e-9);
  BOOST_CHECK_CLOSE(s[0].latency_sum_s, 2.7, 1e-9);
  BOOST_CHECK_CLOSE(s[0].accuracy_sum, 1.6, 1e-9);
  BOOST_CHECK_EQUAL(s[1].arrivals, 2u);
  BOOST_CHECK_EQUAL(s[1].overdue, 2u);
  BOOST_CHECK_CLOSE(s[1].latency_max_s, 9.5, 1e-9);
  // Steps count where they were dispatched.
  BOOST_CHECK_EQUAL(s[1].steps, 1u);
  BOOST_CHECK_EQUAL(s[1].throughput, 2u);
  BOOST_CHECK_EQUAL(s[1].models_sum, 3u);
  BOOST_CHECK_EQUAL(s[2].throughput, 2u);
  BOOST_CHECK_EQUAL(s[2].models_sum, 1u);
  BOOST_CHECK_EQUAL(series.worst_overdue(1), 1.0);
  BOOST_CHECK_EQUAL(series.worst_overdue(3), 0.5);
}

BOOST_AUTO_TEST_CASE(peaks_are_the_busiest_seconds) {
  // 10 s at 1 request/s, then 10 s at 5/s, then 10 s at 1/s; the requests
  // of the busy middle are all overdue, the others none.
  std::vector<double> times;
  for (int second = 0; second < 30; ++second) {
    int n = second >= 10 && second < 20 ? 5 : 1;
    for (int i = 0; i < n; ++i)
      times.push_back(second + 0.1 * i);
  }
  rafiki_series series{at_seconds(times), 1.0};
  for (size_t i = 0; i < times.size(); ++i) {
    bool busy = times[i] >= 10 && times[i] < 20;
    series.add(step(times[i], 1, busy ? 5.0 : 0.1, 1, 0.8));
  }
  // The busiest third, unsmoothed, is exactly the overdue middle.
  BOOST_CHECK_EQUAL(series.overdue_at_peaks(1.0 / 3, 1), 1.0);
  BOOST_CHECK_EQUAL(series.worst_overdue(10), 1.0);
}

BOOST_AUTO_TEST_SUITE_END()
