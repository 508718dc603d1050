#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "models/durations.hpp"
#include "models/service_time_model.hpp"

using namespace troupe;

namespace {

constexpr double z99 = 2.3263478740408408;

/// A profile whose batch of 1 takes 2 ms on average with p99 5 ms, and
/// whose batch of 4 takes 4 ms with p99 4 ms (no spread).
profile spread_profile() {
  return profile{"CPU", 1, {{1, 5.0, 500.0}, {4, 4.0, 1000.0}}, {}, {}, {}};
}

std::vector<double> draws_ms(service_time_spec spec, uint32_t b, size_t n) {
  service_time_model model{spec};
  auto p = spread_profile();
  std::vector<double> xs;
  for (size_t i = 0; i < n; ++i)
    xs.push_back(to_ms(model(p, b)));
  return xs;
}

} // namespace

BOOST_AUTO_TEST_SUITE(service_times)

BOOST_AUTO_TEST_CASE(sigma_gives_the_stated_mean_to_p99_ratio) {
  for (double ratio : {1.05, 1.5, 3.0, 10.0}) {
    auto s = lognormal_sigma(2.0, 2.0 * ratio);
    // p99 / mean of a lognormal: exp(z s - s^2 / 2).
    BOOST_CHECK_CLOSE(std::exp(z99 * s - s * s / 2), ratio, 1e-6);
  }
  BOOST_CHECK_EQUAL(lognormal_sigma(2.0, 2.0), 0.0);
  BOOST_CHECK_EQUAL(lognormal_sigma(2.0, 1.0), 0.0);
  BOOST_CHECK_EQUAL(lognormal_sigma(0.0, 1.0), 0.0);
  // No lognormal has p99 / mean above exp(z^2 / 2) (about 15).
  BOOST_CHECK_EQUAL(lognormal_sigma(1.0, 100.0), z99);
}

BOOST_AUTO_TEST_CASE(the_mean_model_is_the_profiles_service_time) {
  auto p = spread_profile();
  service_time_model model;
  for (uint32_t b = 1; b <= 4; ++b)
    BOOST_CHECK(model(p, b) == p.service_time(b));
}

BOOST_AUTO_TEST_CASE(a_batch_after_one_of_another_size_pays_the_switch_rows) {
  auto p = spread_profile();
  // 2.5 ms after a batch of another size at batch 1, 5 ms at batch 4.
  p.switch_rows = {{1, 6.0, 400.0}, {4, 5.0, 800.0}};
  service_time_model model;
  // The first batch has no batch before it; then 1 after 1 (the rows),
  // 4 after 1 and 1 after 4 (the switch rows), 4 after 4 (the rows).
  BOOST_CHECK(model(p, 1) == p.service_time(1));
  BOOST_CHECK(model(p, 1) == p.service_time(1));
  BOOST_CHECK(model(p, 4) == p.service_time(4) + p.switch_extra(4));
  BOOST_CHECK(model(p, 1) == p.service_time(1) + p.switch_extra(1));
  BOOST_CHECK(model(p, 1) == p.service_time(1));
  BOOST_CHECK(p.switch_extra(1) == std::chrono::microseconds{500});
  // Lognormal draws after a change: their mean moves by the extra.
  service_time_model drawn{{service_time_kind::lognormal, 3}};
  double same = 0;
  double changed = 0;
  for (int i = 0; i < 20000; ++i) {
    same += to_ms(drawn(p, 1));
    changed += to_ms(drawn(p, 4));
    drawn(p, 1);
  }
  // Every batch of 4 followed one of 1; every second batch of 1 followed
  // one of 4, the others one of 1.
  BOOST_CHECK_CLOSE(changed / 20000, 5.0, 2.0);
  BOOST_CHECK_CLOSE(same / 20000, 2.0, 2.0);
}

BOOST_AUTO_TEST_CASE(lognormal_draws_have_the_profiles_mean_and_p99) {
  auto xs = draws_ms({service_time_kind::lognormal, 7}, 1, 100000);
  double mean = 0;
  for (double x : xs)
    mean += x;
  mean /= double(xs.size());
  std::sort(xs.begin(), xs.end());
  BOOST_CHECK_CLOSE(mean, 2.0, 2.0);
  BOOST_CHECK_CLOSE(xs[xs.size() * 99 / 100], 5.0, 3.0);
  BOOST_CHECK(xs.front() > 0);
}

BOOST_AUTO_TEST_CASE(a_row_without_spread_draws_its_mean) {
  auto xs = draws_ms({service_time_kind::lognormal, 7}, 4, 100);
  for (double x : xs)
    BOOST_CHECK_CLOSE(x, 4.0, 1e-6);
}

BOOST_AUTO_TEST_CASE(draws_repeat_with_the_seed) {
  auto a = draws_ms({service_time_kind::lognormal, 7}, 1, 50);
  auto b = draws_ms({service_time_kind::lognormal, 7}, 1, 50);
  auto c = draws_ms({service_time_kind::lognormal, 8}, 1, 50);
  BOOST_CHECK(a == b);
  BOOST_CHECK(a != c);
}

BOOST_AUTO_TEST_CASE(handoffs_draw_their_median_and_p99) {
  handoff_time h{std::chrono::microseconds(20), std::chrono::microseconds(90)};
  service_time_model lognormal{{service_time_kind::lognormal, 7}};
  std::vector<double> xs;
  for (int i = 0; i < 100000; ++i)
    xs.push_back(to_ms(lognormal.handoff(h)) * 1000);
  std::sort(xs.begin(), xs.end());
  BOOST_CHECK_CLOSE(xs[xs.size() / 2], 20.0, 2.0);
  BOOST_CHECK_CLOSE(xs[xs.size() * 99 / 100], 90.0, 3.0);
  // The mean model, and a hand-off without a p99, take the median.
  service_time_model mean;
  BOOST_CHECK(mean.handoff(h) == h.median);
  auto flat = h;
  flat.p99 = caf::timespan{0};
  BOOST_CHECK(lognormal.handoff(flat) == h.median);
  BOOST_CHECK(lognormal.handoff(handoff_time{}) == caf::timespan{0});
}

BOOST_AUTO_TEST_CASE(names_parse_both_ways) {
  for (auto kind : {service_time_kind::mean, service_time_kind::lognormal})
    BOOST_CHECK(parse_service_time_kind(to_string(kind)) == kind);
  BOOST_CHECK(!parse_service_time_kind("gamma"));
}

BOOST_AUTO_TEST_SUITE_END()
