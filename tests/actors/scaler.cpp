// The scaler's bookkeeping, without a scheduler.

#include <boost/test/unit_test.hpp>

#include "actors/scaler.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

scaler_state one_stage_scaler() {
  scaler_options opts;
  opts.spec.envelope = std::chrono::seconds(60);
  opts.stages.resize(1);
  scaler_state st;
  st.init(std::move(opts));
  return st;
}

stage_load load_since(caf::timespan since, std::vector<uint32_t> arrivals) {
  stage_load x;
  x.since = since;
  x.bucket = 10ms;
  x.arrivals = std::move(arrivals);
  return x;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scalers)

BOOST_AUTO_TEST_CASE(absorb_fills_trailing_empty_buckets) {
  auto st = one_stage_scaler();
  auto& v = st.views[0];
  v.last = load_since(0ms, {1, 2});
  BOOST_CHECK_CLOSE(st.absorb(v, 100ms), 30.0, 1e-9);
  BOOST_CHECK_EQUAL(v.buckets.size(), 10u);
  BOOST_CHECK_EQUAL(v.buckets[1], 2u);
}

// Regression: a load measured before time zero (the oracle's first tick in
// real time) made a negative period, and 2^64 buckets.
BOOST_AUTO_TEST_CASE(a_period_that_has_not_begun_adds_no_buckets) {
  auto st = one_stage_scaler();
  auto& v = st.views[0];
  v.last = load_since(0ms, {});
  BOOST_CHECK_EQUAL(st.absorb(v, -5ms), 0.0);
  BOOST_CHECK(v.buckets.empty());
}

BOOST_AUTO_TEST_SUITE_END()
