// A run cut into intervals: rows from outcomes and the scaler's samples.

#include <boost/test/unit_test.hpp>

#include "runtime/timeseries.hpp"

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

BOOST_AUTO_TEST_SUITE_END()
