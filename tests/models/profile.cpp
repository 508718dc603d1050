#include <boost/test/unit_test.hpp>

#include <cmath>

#include "models/durations.hpp"
#include "models/profile.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

profile resnet_v100() {
  return profile{"V100", 3, {{1, 132.54, 10.0}, {2, 134.25, 19.7},
                             {4, 138.39, 38.6}, {8, 149.21, 76.1}}, {}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(profiles)

BOOST_AUTO_TEST_CASE(throughput_is_exact_at_profiled_sizes) {
  auto p = resnet_v100();
  BOOST_CHECK_EQUAL(p.throughput_qps(1), 10.0);
  BOOST_CHECK_EQUAL(p.throughput_qps(4), 38.6);
  BOOST_CHECK_EQUAL(p.max_batch(), 8u);
}

BOOST_AUTO_TEST_CASE(throughput_interpolates_linearly_between_rows) {
  auto p = resnet_v100();
  BOOST_CHECK_CLOSE(p.throughput_qps(3), (19.7 + 38.6) / 2, 1e-9);
  BOOST_CHECK_CLOSE(p.throughput_qps(6), 38.6 + (76.1 - 38.6) / 2, 1e-9);
}

BOOST_AUTO_TEST_CASE(service_time_is_batch_over_throughput) {
  auto p = resnet_v100();
  // s(b) = 1000 * b / thr(b) ms: 100 ms for one request at 10 q/s.
  BOOST_CHECK(p.service_time(1) == 100ms);
  auto expected_ns = std::llround(1000.0 * 3 / ((19.7 + 38.6) / 2) * 1e6);
  BOOST_CHECK_EQUAL(p.service_time(3).count(), expected_ns);
}

BOOST_AUTO_TEST_CASE(p99_interpolates_linearly_between_rows) {
  auto p = resnet_v100();
  BOOST_CHECK_EQUAL(p.p99_ms(2), 134.25);
  BOOST_CHECK_CLOSE(p.p99_ms(6), (138.39 + 149.21) / 2, 1e-9);
}

BOOST_AUTO_TEST_CASE(an_ensemble_adds_its_members_service_times_and_p99s) {
  profile a{"CPU", 1, {{1, 2.0, 1000.0}, {4, 5.0, 2000.0}}, {}};
  profile b{"CPU", 1, {{1, 3.0, 500.0}, {2, 4.0, 800.0}, {8, 9.0, 1600.0}}, {}};
  auto sum = sequential_sum({a, b});
  // Sizes either member profiles, up to the smaller largest batch (4).
  BOOST_REQUIRE_EQUAL(sum.rows.size(), 3u);
  BOOST_CHECK_EQUAL(sum.rows[1].batch_size, 2u);
  // At b = 2: a interpolates to 1333.3 q/s (1.5 ms) and p99 3 ms; b has
  // 800 q/s (2.5 ms) and p99 4 ms.
  BOOST_CHECK_CLOSE(to_ms(sum.service_time(2)), 1.5 + 2.5, 1e-4);
  BOOST_CHECK_CLOSE(sum.rows[1].p99_ms, 3.0 + 4.0, 1e-9);
  BOOST_CHECK(sum.idle_rows.empty());
  // Idle rows add up when every member has them.
  a.idle_rows = {{1, 4.0, 500.0}, {4, 8.0, 1000.0}};
  b.idle_rows = {{1, 6.0, 250.0}, {2, 8.0, 400.0}, {8, 18.0, 800.0}};
  auto idle = sequential_sum({a, b});
  BOOST_REQUIRE_EQUAL(idle.idle_rows.size(), 3u);
  BOOST_CHECK_CLOSE(to_ms(idle.service_time(1, true)), 2.0 + 4.0, 1e-4);
  BOOST_CHECK_CLOSE(to_ms(idle.service_time(1, false)), 1.0 + 2.0, 1e-4);
  // One member: its own profile back.
  auto one = sequential_sum({a});
  BOOST_CHECK_CLOSE(one.rows[1].p99_ms, 5.0, 1e-9);
  BOOST_CHECK_CLOSE(one.rows[1].throughput_qps, 2000.0, 1e-9);
}

BOOST_AUTO_TEST_SUITE_END()
