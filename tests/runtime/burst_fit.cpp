#include <boost/test/unit_test.hpp>

#include <chrono>
#include <random>
#include <vector>

#include "models/durations.hpp"
#include "models/machine_stalls.hpp"
#include "runtime/burst_fit.hpp"
#include "runtime/stall_fit.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// The gaps (end to start, seconds) between the stalls of `time`'s path
/// from `seed` over `span`, found by looking every 20 us (its stalls last
/// 50 us).
std::vector<double> gaps_of(const stall_time& time, uint64_t seed,
                            caf::timespan span) {
  machine_stalls path{seed, time};
  std::vector<double> gaps;
  auto ended = caf::timespan{-1};
  for (auto t = caf::timespan{0}; t < span; t += 20us) {
    auto took = path.stretch(t, 1ns);
    if (took == 1ns)
      continue;
    if (ended.count() >= 0)
      gaps.push_back(to_seconds(t - ended));
    ended = t + took - 1ns;
    t = ended;
  }
  return gaps;
}

stall_time bursty(double per_s, stall_bursts bursts) {
  stall_time result{per_s, {50us}};
  result.bursts = bursts;
  return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(burst_fits)

BOOST_AUTO_TEST_CASE(the_fit_finds_the_bursts_a_path_was_drawn_with) {
  // 30 stalls a second, half the gaps in bursts of 3, 2 ms each: in 20 s
  // (about 600 stalls), and in the 2 s of a profile's serving run.
  for (auto [share, gap, in_row] :
       {std::tuple{0.5, 2ms, 3.0}, std::tuple{0.7, 1ms, 6.0}}) {
    auto time = bursty(30, {share, gap, in_row});
    auto fit = fit_bursts({gaps_of(time, 3, 20s)}, time.per_s);
    BOOST_TEST_CONTEXT("share " << share << ", in a row " << in_row) {
      BOOST_REQUIRE(fit.bursts.modelled());
      BOOST_CHECK_GT(fit.log_likelihood_gain, 50);
      BOOST_CHECK_CLOSE(fit.bursts.share, share, 20);
      BOOST_CHECK_CLOSE(to_ms(fit.bursts.gap), to_ms(gap), 20);
      BOOST_CHECK_CLOSE(fit.bursts.gaps_per_burst, in_row, 30);
      // Two seconds, split over two cores: still found.
      auto core_a = gaps_of(time, 4, 1s);
      auto core_b = gaps_of(time, 5, 1s);
      BOOST_CHECK(fit_bursts({core_a, core_b}, time.per_s).bursts.modelled());
    }
  }
}

BOOST_AUTO_TEST_CASE(exponential_gaps_are_no_bursts) {
  // Two states always fit a little better; by less than the threshold
  // where the gaps are one exponential's, seed after seed.
  stall_time alone{30, {50us}};
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    auto fit = fit_bursts({gaps_of(alone, seed, 10s)}, alone.per_s);
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_CHECK(!fit.bursts.modelled());
      BOOST_CHECK_LT(fit.log_likelihood_gain, min_burst_log_likelihood_gain);
    }
  }
}

BOOST_AUTO_TEST_CASE(too_few_gaps_tell_no_bursts) {
  // Ten bursts of two stalls (one gap of 1 ms), a second between bursts:
  // clear, but 19 gaps are too few; one more burst makes 21.
  std::vector<double> gaps;
  for (int i = 0; i < 10; ++i)
    gaps.insert(gaps.end(), {0.001, 1.0});
  gaps.pop_back();
  BOOST_CHECK_EQUAL(gaps.size(), min_burst_gaps - 1);
  BOOST_CHECK(!fit_bursts({gaps}, 2).bursts.modelled());
  gaps.insert(gaps.end(), {1.0, 0.001});
  auto fit = fit_bursts({gaps}, 2);
  BOOST_REQUIRE(fit.bursts.modelled());
  BOOST_CHECK_CLOSE(fit.bursts.share, 0.5, 5);
  BOOST_CHECK_CLOSE(fit.bursts.gaps_per_burst, 1, 5);
  // Bursts that cannot go with the rate given are left out: at 2,000
  // stalls a second the mean gap (0.5 ms) is shorter than the bursts'.
  BOOST_CHECK(!fit_bursts({gaps}, 2000).bursts.modelled());
}

BOOST_AUTO_TEST_CASE(a_profile_s_stalls_find_their_bursts) {
  // Marks of one core: 40 bursts of three 0.6 ms stalls 2 ms apart, 250 ms
  // between bursts.
  std::vector<core_delay> marks;
  for (int burst = 0; burst < 40; ++burst)
    for (int i = 0; i < 3; ++i)
      marks.push_back(
        {burst * 250ms + i * 2600us, 0.6});
  auto fit = fit_stalls({marks}, 10s);
  BOOST_CHECK_CLOSE(fit.per_s, 12, 1e-9);
  BOOST_REQUIRE(fit.bursts.modelled());
  // Two of every three gaps are the bursts' 2 ms (end to start).
  BOOST_CHECK_CLOSE(to_ms(fit.bursts.gap), 2.0, 1);
  BOOST_CHECK_CLOSE(fit.bursts.share, 2 / 3.0, 1);
  BOOST_CHECK_CLOSE(fit.bursts.gaps_per_burst, 2, 5);
  // The same stalls a burst apart each: none.
  std::vector<core_delay> apart;
  std::mt19937_64 random{1};
  auto t = caf::timespan{0};
  for (int i = 0; i < 120; ++i) {
    t += from_ms(std::exponential_distribution<double>{1 / 80.0}(random));
    apart.push_back({t, 0.6});
  }
  BOOST_CHECK(!fit_stalls({apart}, t).bursts.modelled());
}

BOOST_AUTO_TEST_SUITE_END()
