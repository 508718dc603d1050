// Traffic envelopes: the most arrivals in any window, per window length.

#include <boost/test/unit_test.hpp>

#include "models/traffic_envelope.hpp"

using namespace troupe;

namespace {

arrival_times at_ms(std::initializer_list<double> ms) {
  arrival_times result;
  for (double x : ms)
    result.push_back(caf::timespan{static_cast<int64_t>(x * 1e6)});
  return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(traffic_envelopes)

BOOST_AUTO_TEST_CASE(windows_double_from_the_shortest_to_the_longest) {
  auto env = measure_envelope(at_ms({0, 10, 200}), 0.01, 0.08);
  BOOST_REQUIRE_EQUAL(env.points.size(), 4u);
  BOOST_CHECK_CLOSE(env.points[0].window_s, 0.01, 1e-9);
  BOOST_CHECK_CLOSE(env.points[3].window_s, 0.08, 1e-9);
  BOOST_CHECK(!env.whole_sample);
}

BOOST_AUTO_TEST_CASE(windows_stop_once_one_spans_the_whole_sample) {
  auto env = measure_envelope(at_ms({0, 10, 20}), 0.01, 60);
  // 10, 20 and 40 ms: the last holds all three arrivals.
  BOOST_REQUIRE_EQUAL(env.points.size(), 3u);
  BOOST_CHECK(env.whole_sample);
  BOOST_CHECK_EQUAL(env.points.back().max_arrivals, 3u);
  BOOST_CHECK_EQUAL(env.max_arrivals(100.0), 3.0);
}

BOOST_AUTO_TEST_CASE(constant_arrivals_fill_each_window_evenly) {
  // One arrival every 10 ms: a window of w holds ceil(w / 10 ms) of them.
  arrival_times every_10ms;
  for (int i = 0; i < 100; ++i)
    every_10ms.push_back(std::chrono::milliseconds(10 * i));
  auto env = measure_envelope(every_10ms, 0.01, 0.16);
  std::vector<uint64_t> expected{1, 2, 4, 8, 16};
  BOOST_REQUIRE_EQUAL(env.points.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    BOOST_CHECK_EQUAL(env.points[i].max_arrivals, expected[i]);
  BOOST_CHECK_CLOSE(env.points[4].rate_qps(), 100.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(a_burst_sets_the_short_windows) {
  // Five arrivals within 4 ms, then quiet, then one more.
  auto env = measure_envelope(at_ms({100, 101, 102, 103, 104, 900}), 0.005,
                              0.02);
  BOOST_CHECK_EQUAL(env.points[0].max_arrivals, 5u);
  BOOST_CHECK_EQUAL(env.points[2].max_arrivals, 5u);
}

BOOST_AUTO_TEST_CASE(bounds_between_and_beyond_the_measured_windows) {
  auto env = measure_envelope(at_ms({0, 10, 20, 30}), 0.01, 0.02);
  // Between points: the next longer window's count.
  BOOST_CHECK_EQUAL(env.max_arrivals(0.015), 2.0);
  // Beyond the longest window W: ceil(w / W) * max(W).
  BOOST_CHECK_EQUAL(env.max_arrivals(0.05), 3.0 * 2.0);
}

BOOST_AUTO_TEST_SUITE_END()
