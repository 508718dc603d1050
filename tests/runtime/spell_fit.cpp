#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <vector>

#include "models/durations.hpp"
#include "models/machine_spell.hpp"
#include "runtime/spell_fit.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// 3,000 passes of about 0.5 ms, one every 1 ms on average (Poisson),
/// whose log time is 0.2 of a normal score that shares `share` with a
/// spell lasting `duration`; every other pass (by a coin) waited long and
/// takes twice as long: its own group.
std::vector<served_pass> passes(double share, caf::timespan duration) {
  machine_spell spell{11, {share, duration}};
  std::mt19937_64 random{5};
  std::normal_distribution<double> normal;
  std::exponential_distribution<double> gap{1.0};
  std::bernoulli_distribution waited_long{0.5};
  std::vector<served_pass> result;
  double start_ms = 0;
  for (int i = 0; i < 3000; ++i) {
    start_ms += gap(random);
    auto z = std::sqrt(share) * spell.at(from_ms(start_ms))
             + std::sqrt(1 - share) * normal(random);
    bool slow = waited_long(random);
    served_pass pass;
    pass.wait_ms = slow ? 2.0 : 0.1;
    pass.ms = (slow ? 1.0 : 0.5) * std::exp(0.2 * z);
    pass.start_ms = start_ms;
    result.push_back(pass);
  }
  return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(spell_fits)

BOOST_AUTO_TEST_CASE(a_fit_finds_the_share_and_duration_passes_were_drawn_with) {
  for (auto [share, duration] : {std::pair{0.5, 20ms}, std::pair{0.3, 5ms}}) {
    auto fit = spell_from(passes(share, duration));
    BOOST_TEST_CONTEXT("share " << share << ", " << to_ms(duration) << " ms") {
      BOOST_REQUIRE(fit);
      BOOST_CHECK_CLOSE(fit->share, share, 25);
      BOOST_CHECK_GT(fit->duration_ms, to_ms(duration) / 1.6);
      BOOST_CHECK_LT(fit->duration_ms, to_ms(duration) * 1.6);
    }
  }
}

BOOST_AUTO_TEST_CASE(independent_passes_have_no_spell) {
  auto fit = spell_from(passes(0, 20ms));
  BOOST_CHECK(!fit || fit->share < 0.05);
  BOOST_CHECK(!spell_from({}));
}

BOOST_AUTO_TEST_SUITE_END()
