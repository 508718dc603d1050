// A run cut into intervals: rows from outcomes and the scaler's samples.

#include <boost/test/unit_test.hpp>

#include <cmath>

#include "runtime/timeseries.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(time_series)

// Regression: a sample in (0, interval/2) (a real-time tick just after the
// start) wrapped the row index around and asked for 2^64 rows.
BOOST_AUTO_TEST_CASE(samples_land_in_the_interval_they_close) {
  scenario sc;
  sc.slo_ms = 100;
  run_result run;
  auto sample_at = [&](caf::timespan when, uint32_t active) {
    scaling_sample x;
    x.when = when;
    x.active = active;
    run.scaling.samples.push_back(x);
  };
  sample_at(3ms, 1);  // at the start: closes no interval
  sample_at(20ms, 2); // closes [0, 20 ms)
  sample_at(41ms, 3); // a late tick: closes [20, 40 ms)
  auto rows = interval_series(sc, run, 0.02);
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_CHECK_EQUAL(rows[0].workers, 2u);
  BOOST_CHECK_EQUAL(rows[1].workers, 3u);
}

BOOST_AUTO_TEST_CASE(the_p99_of_all_sent_counts_drops_as_late) {
  scenario sc;
  sc.slo_ms = 100;
  run_result run;
  // Interval 0: 100 completed in 1..100 ms. Interval 1: 98 completed and
  // 2 dropped.
  for (int i = 0; i < 200; ++i) {
    request_outcome rec;
    rec.req.arrival = i < 100 ? 0ms : 1000ms;
    rec.kind = i >= 198 ? outcome_kind::dropped : outcome_kind::completed;
    rec.finish = rec.req.arrival + std::chrono::milliseconds(i % 100 + 1);
    run.outcomes.records.push_back(rec);
  }
  auto rows = interval_series(sc, run, 1.0);
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_CHECK_EQUAL(rows[0].p99_all_ms, rows[0].p99_ms);
  BOOST_CHECK_EQUAL(rows[0].p99_all_ms, 99);
  BOOST_CHECK_EQUAL(rows[1].p99_ms, 98);
  BOOST_CHECK(std::isinf(rows[1].p99_all_ms));
  test::temp_dir dir;
  write_intervals_csv(rows, dir.path("intervals.csv"));
  auto csv = test::read_file(dir.path("intervals.csv"));
  BOOST_CHECK(csv.find(",p99_all_ms\n") != std::string::npos);
  // Infinite: an empty field.
  BOOST_CHECK_MESSAGE(csv.substr(csv.rfind('\n', csv.size() - 2)).back() == '\n'
                        && csv[csv.size() - 2] == ',',
                      csv);
}

BOOST_AUTO_TEST_SUITE_END()
