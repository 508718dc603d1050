#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numeric>

#include "models/arrival.hpp"
#include "models/input_error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(arrivals)

BOOST_AUTO_TEST_CASE(request_k_arrives_at_the_sum_of_the_first_k_gaps) {
  auto times = arrivals_from_gaps({10.0, 0.5, 2.25});
  BOOST_REQUIRE_EQUAL(times.size(), 3u);
  BOOST_CHECK(times[0] == 0ns);
  BOOST_CHECK(times[1] == 10ms);
  BOOST_CHECK(times[2] == 10500us);
}

BOOST_AUTO_TEST_CASE(rounding_does_not_accumulate) {
  std::vector<double> gaps(100000, 0.0333333333);
  auto times = arrivals_from_gaps(gaps);
  auto expected = std::llround(0.0333333333 * 99999 * 1e6);
  BOOST_CHECK_LE(std::abs(times.back().count() - expected), 1);
}

BOOST_AUTO_TEST_CASE(gamma_gaps_are_clipped_and_have_the_requested_mean) {
  auto gaps = gamma_gaps(100, 4.0, 50000, 42);
  BOOST_CHECK_EQUAL(gaps.size(), 50000u);
  for (auto gap : gaps)
    BOOST_REQUIRE_GE(gap, min_gap_ms);
  auto mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / gaps.size();
  BOOST_CHECK_CLOSE(mean, 10.0, 5.0);
  BOOST_CHECK(gaps == gamma_gaps(100, 4.0, 50000, 42));
  BOOST_CHECK(gaps != gamma_gaps(100, 4.0, 50000, 43));
}

BOOST_AUTO_TEST_CASE(poisson_gaps_have_the_requested_mean) {
  auto gaps = poisson_gaps(200, 50000, 1);
  auto mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / gaps.size();
  BOOST_CHECK_CLOSE(mean, 5.0, 3.0);
}

BOOST_AUTO_TEST_CASE(sine_rate_spans_a_tenth_to_eleven_tenths_of_r) {
  sine_spec spec;
  spec.rate_qps = 100;
  spec.period_s = 40;
  spec.duration_s = 40;
  auto times = sine_arrivals(spec, 7);
  std::vector<int> per_second(40, 0);
  for (auto t : times)
    ++per_second[std::chrono::duration_cast<std::chrono::seconds>(t).count()];
  auto [lo, hi] = std::minmax_element(per_second.begin(), per_second.end());
  BOOST_CHECK_GE(*lo, 9);
  BOOST_CHECK_LE(*lo, 13);
  BOOST_CHECK_GE(*hi, 105);
  BOOST_CHECK_LE(*hi, 113);
  BOOST_CHECK(std::is_sorted(times.begin(), times.end()));
}

BOOST_AUTO_TEST_CASE(trace_rates_hold_piecewise) {
  auto times = trace_arrivals({{0, 100}, {10, 0}, {20, 1000}}, 21, 3);
  auto in = [&](double from, double to) {
    return std::count_if(times.begin(), times.end(), [&](caf::timespan t) {
      double s = t.count() / 1e9;
      return s >= from && s < to;
    });
  };
  BOOST_CHECK_CLOSE(double(in(0, 10)), 1000.0, 10.0);
  BOOST_CHECK_EQUAL(in(10, 20), 0);
  BOOST_CHECK_CLOSE(double(in(20, 21)), 1000.0, 10.0);
  // The end cuts every row, not only the last.
  auto cut = trace_arrivals({{0, 100}, {10, 1000}}, 5, 3);
  BOOST_REQUIRE(!cut.empty());
  BOOST_CHECK_LT(cut.back().count() / 1e9, 5.0);
  BOOST_CHECK_CLOSE(double(cut.size()), 500.0, 15.0);
}

BOOST_AUTO_TEST_CASE(the_wave_has_500_steps_at_least_one_qps) {
  wave_spec spec;
  spec.k1 = 100;
  spec.k2 = 50;
  spec.k3 = 10;
  auto steps = wave_rates(spec, 7);
  BOOST_REQUIRE_EQUAL(steps.size(), 500u);
  BOOST_CHECK_CLOSE(steps[499].time_s, 49.9, 1e-9);
  double low = 1e9;
  double high = 0;
  for (const auto& s : steps) {
    low = std::min(low, s.rate_qps);
    high = std::max(high, s.rate_qps);
  }
  // k3 = 10 with swings of +-150 * 2: clipped at 1 in the troughs.
  BOOST_CHECK_EQUAL(low, 1.0);
  BOOST_CHECK_GT(high, 200.0);
  BOOST_CHECK_EQUAL(wave_duration_s(spec), 50.0);
  // Deterministic in the seed.
  auto total = [](const std::vector<rate_step>& x) {
    double sum = 0;
    for (const auto& s : x)
      sum += s.rate_qps;
    return sum;
  };
  BOOST_CHECK_EQUAL(total(wave_rates(spec, 7)), total(steps));
  BOOST_CHECK_NE(total(wave_rates(spec, 8)), total(steps));
}

BOOST_AUTO_TEST_CASE(deltas_files_are_read_line_by_line) {
  test::temp_dir dir;
  auto file = dir.write("a.deltas", "1.5\n2\n\n0.047\n");
  auto gaps = read_deltas(file);
  BOOST_CHECK((gaps == std::vector<double>{1.5, 2, 0.047}));
}

BOOST_AUTO_TEST_CASE(garbled_deltas_name_file_and_line) {
  test::temp_dir dir;
  auto file = dir.write("bad.deltas", "1.5\n2\nabc\n");
  try {
    read_deltas(file);
    BOOST_FAIL("no error");
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.line(), 3u);
    BOOST_CHECK_EQUAL(err.file(), file);
    BOOST_CHECK(std::string{err.what()}.find("abc") != std::string::npos);
  }
  BOOST_CHECK_THROW(read_deltas(dir.write("neg.deltas", "1\n-2\n")),
                    input_error);
  BOOST_CHECK_THROW(read_deltas(dir.write("empty.deltas", "\n\n")),
                    input_error);
  BOOST_CHECK_THROW(read_deltas(dir.path("missing.deltas")), input_error);
}

BOOST_AUTO_TEST_CASE(rate_traces_reject_bad_rows) {
  test::temp_dir dir;
  auto ok = read_rate_trace(dir.write("ok.csv", "time_s,rate_qps\n0,5\n2,7\n"));
  BOOST_CHECK_EQUAL(ok.size(), 2u);
  try {
    read_rate_trace(dir.write("bad.csv", "0,5\n1,x\n"));
    BOOST_FAIL("no error");
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.line(), 2u);
    BOOST_CHECK_EQUAL(err.field(), "rate_qps");
  }
  BOOST_CHECK_THROW(read_rate_trace(dir.write("order.csv", "0,5\n0,7\n")),
                    input_error);
  BOOST_CHECK_THROW(read_rate_trace(dir.write("neg.csv", "0,-5\n")),
                    input_error);
}

BOOST_AUTO_TEST_SUITE_END()
