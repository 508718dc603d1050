// Rafiki's decision vocabulary and environment rules (seed 000): the action
// encoding both ways, the seed's tables, the waiting rule, the busy-time
// arithmetic, the reward and the observation layout, each against values
// computed by hand.

#include <boost/test/unit_test.hpp>

#include "policies/rafiki/action_space.hpp"
#include "policies/rafiki/step_rules.hpp"
#include "policies/rafiki/tables.hpp"

using namespace troupe::rafiki;

BOOST_AUTO_TEST_SUITE(rafiki_rules)

BOOST_AUTO_TEST_CASE(actions_encode_both_ways_with_the_seeds_bit_layout) {
  action_space space{3, 4};
  BOOST_REQUIRE_EQUAL(space.size(), 28u);
  for (size_t a = 0; a < space.size(); ++a) {
    auto x = space.decode(a);
    // The seed: batch index = a & 3, model part = a >> 2, mask = part + 1.
    BOOST_CHECK_EQUAL(x.batch_index, a & 3);
    BOOST_CHECK_EQUAL(x.mask, (a >> 2) + 1);
    BOOST_CHECK_EQUAL(space.encode(x), a);
  }
  // Action 5: model part 1, mask 010 (model 1 alone), batch index 1.
  BOOST_CHECK(space.decode(5) == (action{2, 1}));
  BOOST_CHECK(space.models_of(2) == std::vector<size_t>{1});
  // Model 0 is the most significant bit.
  BOOST_CHECK(space.models_of(4) == std::vector<size_t>{0});
  BOOST_CHECK(space.models_of(7) == (std::vector<size_t>{0, 1, 2}));
  BOOST_CHECK_EQUAL(space.mask_of({0, 2}), 5u);
  // Other sizes: the same layout, B batch sizes per subset.
  action_space two{2, 3};
  BOOST_CHECK_EQUAL(two.size(), 9u);
  BOOST_CHECK(two.decode(7) == (action{3, 1}));
}

BOOST_AUTO_TEST_CASE(the_seeds_tables) {
  auto t = seed_tables();
  BOOST_CHECK(t.problem().empty());
  BOOST_CHECK_EQUAL(t.models(), 3u);
  BOOST_CHECK_EQUAL(t.max_latency_s(), 0.431);
  // Accuracy of a subset: accuracy[mask - 1].
  action_space space{3, 4};
  BOOST_CHECK_EQUAL(t.accuracy[space.mask_of({0}) - 1], 0.8018);
  BOOST_CHECK_EQUAL(t.accuracy[space.mask_of({0, 1, 2}) - 1], 0.8128);
  // r: about 573 q/s async, 224 q/s sync (SEEDS' figures).
  BOOST_CHECK_CLOSE(t.arrival_rate_qps(false),
                    64 / 0.235 + 64 / 0.422 + 64 / 0.431, 1e-9);
  BOOST_CHECK_CLOSE(t.arrival_rate_qps(false), 572.5, 0.1);
  BOOST_CHECK_CLOSE(t.arrival_rate_qps(true), 16 / 0.0715, 1e-9);
  auto bad = t;
  bad.accuracy.pop_back();
  BOOST_CHECK(bad.problem().find("6 accuracies for the 7 subsets")
              != std::string::npos);
  bad = t;
  bad.batch_sizes = {16, 16, 48, 64};
  BOOST_CHECK(!bad.problem().empty());
  bad = t;
  bad.latency_s[1][2] = 0;
  BOOST_CHECK(!bad.problem().empty());
}

BOOST_AUTO_TEST_CASE(the_waiting_rule) {
  double tau = 2 * 0.431;
  // An empty queue always waits; a full batch never does.
  BOOST_CHECK(should_wait(0, 16, 0, 0, tau));
  BOOST_CHECK(!should_wait(16, 16, 0, 0, tau));
  // 0.2 + 0.235 + 0.0862 = 0.5212 < 0.862: wait for more.
  BOOST_CHECK(should_wait(5, 64, 0.2, 0.235, tau));
  // 0.6 + 0.235 + 0.0862 = 0.9212 >= 0.862: serve what is there.
  BOOST_CHECK(!should_wait(5, 64, 0.6, 0.235, tau));
}

BOOST_AUTO_TEST_CASE(busy_times_rewards_and_time_advance) {
  auto t = seed_tables();
  std::vector<double> busy{0, 0.1, 0};
  // Models 0 and 1 at batch 32: 0.129 and 0.1 + 0.224.
  double p = occupy(busy, {0, 1}, t, 1);
  BOOST_CHECK_CLOSE(p, 0.324, 1e-9);
  BOOST_CHECK_CLOSE(busy[0], 0.129, 1e-9);
  BOOST_CHECK_EQUAL(busy[2], 0);
  // Sync waits for every model, async for the first free one (0 here).
  BOOST_CHECK_CLOSE(time_advance(busy, true), 0.324, 1e-9);
  BOOST_CHECK_EQUAL(time_advance(busy, false), 0);
  elapse(busy, 0.2);
  BOOST_CHECK_EQUAL(busy[0], 0);
  BOOST_CHECK_CLOSE(busy[1], 0.124, 1e-9);
  // 10 served with accuracy 0.8, 3 overdue, beta 1: 8 - 2.4.
  BOOST_CHECK_CLOSE(reward(0.8, 10, 3, 1), 5.6, 1e-9);
  BOOST_CHECK_CLOSE(reward(0.8, 10, 3, 0), 8, 1e-9);
}

BOOST_AUTO_TEST_CASE(the_observation_layout) {
  auto t = seed_tables();
  BOOST_REQUIRE_EQUAL(observation_size(t), 216u);
  std::vector<double> waits(250);
  for (size_t i = 0; i < waits.size(); ++i)
    waits[i] = 1.0 + double(i);
  auto obs = observation(t, 0.862, {0.1, 0.2, 0.3}, waits);
  BOOST_REQUIRE_EQUAL(obs.size(), 216u);
  BOOST_CHECK_CLOSE(obs[0], 0.862f, 1e-4);
  BOOST_CHECK_CLOSE(obs[1], 0.0715f, 1e-4);  // lat[0][16]
  BOOST_CHECK_CLOSE(obs[12], 0.431f, 1e-4);  // lat[2][64]
  BOOST_CHECK_CLOSE(obs[13], 0.1f, 1e-4);    // busy[0]
  BOOST_CHECK_CLOSE(obs[16], 1.0f, 1e-4);    // the oldest wait
  BOOST_CHECK_CLOSE(obs[215], 200.0f, 1e-4); // the 200th, no more
  auto short_queue = observation(t, 0.862, {0, 0, 0}, {0.5});
  BOOST_CHECK_CLOSE(short_queue[16], 0.5f, 1e-4);
  BOOST_CHECK_EQUAL(short_queue[17], 0.0f);
  BOOST_CHECK_EQUAL(short_queue[215], 0.0f);
}

BOOST_AUTO_TEST_SUITE_END()
