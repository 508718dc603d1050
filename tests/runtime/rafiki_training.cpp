// A short A2C training run on the seed's environment (without actors, the
// graph's own steps) learns: its frozen policy earns more reward per
// request than the random baseline on a workload it did not train on.

#include <boost/test/unit_test.hpp>

#include "policies/rafiki/step_rules.hpp"
#include "runtime/rafiki_runs.hpp"
#include "runtime/rafiki_setup.hpp"

using namespace troupe;

namespace {

double reward_per_request(const scenario& sc, const arrival_times& arrivals,
                          rafiki::agent& agent) {
  step_totals totals;
  run_rafiki_direct(sc, arrivals, agent,
                    [&](const rafiki::step_record& s) { totals.add(s); });
  return totals.reward / double(arrivals.size());
}

} // namespace

BOOST_AUTO_TEST_SUITE(rafiki_training)

BOOST_AUTO_TEST_CASE(a_short_training_run_beats_random) {
  auto sc = load_scenario(TROUPE_SOURCE_DIR "/scenarios/rafiki-seed.toml");
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  rafiki::learner_options options;
  options.seed = 3;
  options.max_frames = 40000;
  rafiki::learner agent{
    rafiki::observation_size(x.models.size(), x.batch_sizes.size()),
    rafiki_action_count(sc), options};
  auto totals = train_rafiki(sc, agent, options.max_frames,
                             training_env::direct, nullptr);
  BOOST_CHECK_EQUAL(agent.frames(), options.max_frames);
  BOOST_CHECK_EQUAL(totals.steps, options.max_frames);
  agent.freeze();
  // The first 150 s of another seed's sine: its first rate peak.
  auto unseen = make_arrivals(sc, 1000, 80000);
  auto random = rafiki::make_baseline("random", 5);
  auto learned = reward_per_request(sc, unseen, agent);
  auto baseline = reward_per_request(sc, unseen, *random);
  BOOST_TEST_MESSAGE("reward per request: learned " << learned << ", random "
                                                    << baseline);
  BOOST_CHECK_GT(learned, 1.5 * baseline);
}

BOOST_AUTO_TEST_SUITE_END()
