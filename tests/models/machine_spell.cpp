#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <vector>

#include "models/durations.hpp"
#include "models/machine_spell.hpp"
#include "models/service_time_model.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

double mean(const std::vector<double>& xs) {
  double sum = 0;
  for (auto x : xs)
    sum += x;
  return sum / static_cast<double>(xs.size());
}

double correlation(const std::vector<double>& xs,
                   const std::vector<double>& ys) {
  auto mx = mean(xs);
  auto my = mean(ys);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
    syy += (ys[i] - my) * (ys[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

const spell_time half_over_10ms{0.5, 10ms};

/// Moments 50 ms apart (five spells): close to independent.
caf::timespan moment(size_t i) {
  return caf::timespan{std::chrono::milliseconds{50 * i}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(machine_spells)

BOOST_AUTO_TEST_CASE(a_spell_is_standard_normal_over_time) {
  machine_spell spell{3, half_over_10ms};
  std::vector<double> xs, squares;
  for (size_t i = 0; i < 4000; ++i) {
    auto x = spell.at(moment(i));
    xs.push_back(x);
    squares.push_back(x * x);
  }
  BOOST_CHECK_SMALL(mean(xs), 0.1);
  BOOST_CHECK_CLOSE(mean(squares), 1.0, 12);
}

BOOST_AUTO_TEST_CASE(close_moments_share_a_spell_and_far_ones_do_not) {
  machine_spell spell{3, half_over_10ms};
  // exp(-gap / 10 ms): 0.90 at 1 ms, 0.37 at 10 ms, 0.007 at 50 ms.
  for (auto [gap, low, high] : {std::tuple{1ms, 0.8, 1.0},
                                std::tuple{10ms, 0.25, 0.5},
                                std::tuple{50ms, -0.1, 0.1}}) {
    std::vector<double> xs, ys;
    for (size_t i = 0; i < 4000; ++i) {
      xs.push_back(spell.at(moment(i)));
      ys.push_back(spell.at(moment(i) + gap));
    }
    auto r = correlation(xs, ys);
    BOOST_TEST_CONTEXT("gap " << to_ms(gap) << " ms, correlation " << r) {
      BOOST_CHECK_GT(r, low);
      BOOST_CHECK_LT(r, high);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_spell_is_a_function_of_its_seed_and_the_time) {
  machine_spell one{3, half_over_10ms};
  machine_spell same{3, half_over_10ms};
  machine_spell other{4, half_over_10ms};
  BOOST_CHECK_EQUAL(one.at(7ms), same.at(7ms));
  BOOST_CHECK_NE(one.at(7ms), other.at(7ms));
  BOOST_CHECK_EQUAL(machine_spell{}.at(7ms), 0.0);
  BOOST_CHECK(!machine_spell{}.modelled());
  BOOST_CHECK(!(machine_spell{3, spell_time{}}.modelled()));
}

// Two replicas of one run draw their own numbers but share the run's
// spell: at the same moment their draws move together by the share, and
// each keeps the profile's mean.
BOOST_AUTO_TEST_CASE(draws_at_one_moment_share_the_spell_and_keep_the_mean) {
  profile p{"CPU", 1, {{1, 5.0, 500.0}}, {}, {}, {}};
  auto draws = [&](spell_time spell, uint64_t own_seed) {
    service_time_model model{
      {service_time_kind::lognormal, own_seed, spell, 99}};
    std::vector<double> logs, ms;
    for (size_t i = 0; i < 4000; ++i) {
      model.at(moment(i));
      auto x = to_ms(model(p, 1));
      ms.push_back(x);
      logs.push_back(std::log(x));
    }
    return std::pair{logs, ms};
  };
  auto [a, a_ms] = draws(half_over_10ms, 1);
  auto [b, b_ms] = draws(half_over_10ms, 2);
  auto shared = correlation(a, b);
  BOOST_CHECK_GT(shared, 0.4);
  BOOST_CHECK_LT(shared, 0.6);
  BOOST_CHECK_CLOSE(mean(a_ms), 2.0, 5);
  BOOST_CHECK_CLOSE(mean(b_ms), 2.0, 5);
  auto [c, c_ms] = draws(spell_time{}, 1);
  auto [d, d_ms] = draws(spell_time{}, 2);
  BOOST_CHECK_SMALL(correlation(c, d), 0.1);
}

BOOST_AUTO_TEST_SUITE_END()
