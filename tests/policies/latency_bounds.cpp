// The optimal planner's latency bounds on hand-made arrivals, each checked
// against what a stage can do at best.

#include <boost/test/unit_test.hpp>

#include <limits>

#include "policies/planning/latency_bounds.hpp"

using namespace troupe;

namespace {

/// One replica that serves up to 2 requests per batch in at least 10 ms.
stage_speed two_per_ten_ms() {
  stage_speed speed;
  speed.min_service_ms = 10;
  speed.max_rate_per_ms = 0.2;
  speed.max_batch = 2;
  speed.replicas = 1;
  return speed;
}

} // namespace

BOOST_AUTO_TEST_SUITE(latency_bounds)

BOOST_AUTO_TEST_CASE(a_request_without_time_for_one_batch_is_late) {
  // Arrives at 15, due at 20: no batch of 10 ms fits; one that never
  // arrives is late too.
  std::vector<double> arrive{0, 15, std::numeric_limits<double>::infinity()};
  std::vector<double> deadline{20, 20, 20};
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, two_per_ten_ms()), 2u);
}

BOOST_AUTO_TEST_CASE(a_burst_beyond_the_replicas_capacity_is_late) {
  // Ten requests at once, all due 20 ms later: two batches of two fit in
  // the window, so at least six are late (a run serves exactly four).
  std::vector<double> arrive(10, 0.0);
  std::vector<double> deadline(10, 20.0);
  auto speed = two_per_ten_ms();
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, speed), 6u);
  // Three replicas serve twelve in the window: none need be late.
  speed.replicas = 3;
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, speed), 0u);
}

BOOST_AUTO_TEST_CASE(disjoint_bursts_add_up) {
  // The burst twice, 100 ms apart: six late in each window.
  std::vector<double> arrive;
  std::vector<double> deadline;
  for (double start : {0.0, 100.0})
    for (int i = 0; i < 10; ++i) {
      arrive.push_back(start);
      deadline.push_back(start + 20);
    }
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, two_per_ten_ms()), 12u);
}

BOOST_AUTO_TEST_CASE(random_service_times_bound_nothing) {
  // A drawn service time can be arbitrarily short: only requests that never
  // arrive are surely late.
  stage_speed speed;
  speed.min_service_ms = 0;
  speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
  std::vector<double> arrive(10, 0.0);
  std::vector<double> deadline(10, 1.0);
  BOOST_CHECK_EQUAL(late_lower_bound(arrive, deadline, speed), 0u);
}

BOOST_AUTO_TEST_CASE(the_allowance_is_what_a_nearest_rank_p99_tolerates) {
  BOOST_CHECK_EQUAL(late_allowance(10000), 100u);
  BOOST_CHECK_EQUAL(late_allowance(400), 4u);
  BOOST_CHECK_EQUAL(late_allowance(50), 0u);
}

BOOST_AUTO_TEST_SUITE_END()
