// The optimal planner's latency bounds on hand-made cases.

#include <boost/test/unit_test.hpp>

#include <limits>
#include <memory>

#include "policies/planning/latency_bounds.hpp"

using namespace troupe;

BOOST_AUTO_TEST_SUITE(latency_bounds)

BOOST_AUTO_TEST_CASE(a_request_without_time_for_one_batch_is_late) {
  // Batches take at least 10 ms: arriving at 15 and due at 20 is too late,
  // and a request that never arrives is late too.
  stage_speed speed;
  speed.min_service_ms = 10;
  std::vector<double> arrive{0, 15, 10, std::numeric_limits<double>::infinity()};
  std::vector<double> deadline{20, 20, 20, 20};
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, speed), 2u);
  // Drawn service times can be arbitrarily short: only the one that never
  // arrives is surely late.
  speed.min_service_ms = 0;
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, speed), 1u);
}

BOOST_AUTO_TEST_CASE(the_shortest_service_is_the_least_over_the_batch_sizes) {
  // s(b) = b / thr(b): 10 ms at 1, 8 ms at 2 (faster per batch), 20 ms at 4.
  auto p = std::make_shared<profile>();
  p->hardware = "cpu";
  p->cost = 1;
  p->rows = {{1, 10.0, 100.0}, {2, 8.0, 250.0}, {4, 20.0, 200.0}};
  planning_stage stage;
  stage.hardware = {p};
  auto at = [&](uint32_t b) {
    return speed_of(stage, stage_choice{"cpu", b, 1}, false);
  };
  BOOST_CHECK_CLOSE(at(1).min_service_ms, 10.0, 1e-6);
  BOOST_CHECK_CLOSE(at(4).min_service_ms, 8.0, 1e-6);
  BOOST_CHECK_CLOSE(at(4).max_rate_per_ms, 0.25, 1e-6);
  BOOST_CHECK_CLOSE(min_service_ms(stage, false), 8.0, 1e-6);
  BOOST_CHECK_EQUAL(min_service_ms(stage, true), 0.0);
  BOOST_CHECK_EQUAL(speed_of(stage, stage_choice{"cpu", 4, 1}, true)
                      .min_service_ms,
                    0.0);
}

BOOST_AUTO_TEST_CASE(the_allowance_is_what_a_nearest_rank_p99_tolerates) {
  BOOST_CHECK_EQUAL(late_allowance(10000), 100u);
  BOOST_CHECK_EQUAL(late_allowance(400), 4u);
  BOOST_CHECK_EQUAL(late_allowance(50), 0u);
}

BOOST_AUTO_TEST_SUITE_END()
