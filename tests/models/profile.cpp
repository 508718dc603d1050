#include <boost/test/unit_test.hpp>

#include <cmath>

#include "models/profile.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

profile resnet_v100() {
  return profile{"V100", 3, {{1, 132.54, 10.0}, {2, 134.25, 19.7},
                             {4, 138.39, 38.6}, {8, 149.21, 76.1}}};
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

BOOST_AUTO_TEST_SUITE_END()
