// Rafiki's environment without actors (policies/rafiki/direct_environment)
// takes the same steps as the scenario's actor graph: same actions, same
// instants, same requests served and overdue, on traces where the queue
// runs long and where it empties between bursts, in both modes and with
// every baseline as well as fixed random actions.

#include <boost/test/unit_test.hpp>

#include <random>

#include "runtime/rafiki_runs.hpp"

using namespace troupe;

namespace {

scenario seed_scenario(const std::string& mode) {
  auto sc = load_scenario(TROUPE_SOURCE_DIR "/scenarios/rafiki-seed.toml");
  rafiki_overrides x;
  x.mode = mode;
  apply_rafiki_overrides(sc, x);
  return sc;
}

/// Bursts of arrivals with quiet gaps between them (the queue empties, so
/// checks are missed and steps start late), from a fixed seed.
arrival_times bursts(uint64_t seed) {
  std::mt19937_64 engine{seed};
  std::uniform_int_distribution<int64_t> gap_ns{0, 4'000'000};
  std::uniform_int_distribution<int64_t> quiet_ns{500'000'000, 3'000'000'000};
  arrival_times result;
  int64_t t = 1'000'000;
  for (int burst = 0; burst < 40; ++burst) {
    for (int i = 0; i < 150; ++i) {
      t += gap_ns(engine);
      result.emplace_back(t);
    }
    t += quiet_ns(engine);
  }
  return result;
}

std::vector<size_t> random_actions(size_t count, size_t action_count,
                                   uint64_t seed) {
  std::mt19937_64 engine{seed};
  std::uniform_int_distribution<size_t> pick{0, action_count - 1};
  std::vector<size_t> result;
  for (size_t i = 0; i < count; ++i)
    result.push_back(pick(engine));
  return result;
}

std::vector<rafiki::step_record> graph_steps(const scenario& sc,
                                             const arrival_times& arrivals,
                                             std::shared_ptr<rafiki::agent> a) {
  std::vector<rafiki::step_record> steps;
  run_rafiki_graph(sc, arrivals, std::move(a),
                   [&](const rafiki::step_record& s) { steps.push_back(s); });
  return steps;
}

std::vector<rafiki::step_record> direct_steps(const scenario& sc,
                                              const arrival_times& arrivals,
                                              rafiki::agent& a) {
  std::vector<rafiki::step_record> steps;
  run_rafiki_direct(sc, arrivals, a, [&](const rafiki::step_record& s) {
    steps.push_back(s);
  });
  return steps;
}

void check_same(const std::vector<rafiki::step_record>& graph,
                const std::vector<rafiki::step_record>& direct) {
  BOOST_REQUIRE_GT(graph.size(), 50u);
  BOOST_REQUIRE_EQUAL(graph.size(), direct.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    BOOST_TEST_CONTEXT("step " << i) {
      BOOST_REQUIRE_EQUAL(graph[i].time_s, direct[i].time_s);
      BOOST_REQUIRE_EQUAL(graph[i].action, direct[i].action);
      BOOST_REQUIRE_EQUAL(graph[i].served, direct[i].served);
      BOOST_REQUIRE_EQUAL(graph[i].overdue, direct[i].overdue);
      BOOST_REQUIRE_EQUAL(graph[i].reward, direct[i].reward);
    }
  }
}

/// Hands an agent's choices on, until it has been asked `limit` times: then
/// it is exhausted (a test's bound on an agent that would hold forever).
class bounded_agent : public rafiki::agent {
public:
  bounded_agent(std::unique_ptr<rafiki::agent> inner, size_t limit)
    : inner_(std::move(inner)), left_(limit) {
    // nop
  }

  rafiki::choice act(const rafiki::decision_view& v) override {
    if (left_ == 0) {
      rafiki::choice done;
      done.exhausted = true;
      return done;
    }
    --left_;
    return inner_->act(v);
  }

private:
  std::unique_ptr<rafiki::agent> inner_;
  size_t left_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(rafiki_direct_environment)

BOOST_AUTO_TEST_CASE(random_actions_take_the_graphs_steps) {
  for (std::string mode : {"async", "sync"}) {
    BOOST_TEST_CONTEXT(mode) {
      auto sc = seed_scenario(mode);
      auto actions = random_actions(3000, rafiki_action_count(sc), 11);
      // The seed's sine (a long queue at its peak) and bursts with gaps.
      for (const auto& arrivals : {make_arrivals(sc, 7, 60000), bursts(5)}) {
        auto graph = graph_steps(sc, arrivals,
                                 rafiki::make_fixed_agent(actions));
        auto fixed = rafiki::make_fixed_agent(actions);
        check_same(graph, direct_steps(sc, arrivals, *fixed));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_baseline_takes_the_graphs_steps) {
  auto sc = seed_scenario("async");
  auto arrivals = bursts(9);
  for (const auto& name : rafiki::baselines()) {
    BOOST_TEST_CONTEXT(name) {
      auto graph = graph_steps(sc, arrivals, rafiki::make_baseline(name, 3));
      auto direct = rafiki::make_baseline(name, 3);
      check_same(graph, direct_steps(sc, arrivals, *direct));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_outcome_counts_what_was_served_and_left) {
  auto sc = seed_scenario("async");
  auto arrivals = bursts(5);
  auto all = rafiki::make_baseline("greedy", 1);
  auto done = run_rafiki_direct(sc, arrivals, *all, {});
  BOOST_CHECK(!done.exhausted);
  BOOST_CHECK_EQUAL(done.arrived, arrivals.size());
  BOOST_CHECK_EQUAL(done.served, arrivals.size());
  auto few = rafiki::make_fixed_agent({27, 27, 27});
  auto cut = run_rafiki_direct(sc, arrivals, *few, {});
  BOOST_CHECK(cut.exhausted);
  BOOST_CHECK_LE(cut.served, 3u * 64u);
  BOOST_CHECK_LT(cut.arrived, arrivals.size());
}

BOOST_AUTO_TEST_CASE(the_sink_measures_what_the_steps_predicted) {
  // In virtual time every request ends exactly when its step said: the
  // series the sink measured equals the one the step records predict,
  // second by second.
  auto sc = seed_scenario("async");
  auto arrivals = make_arrivals(sc, 7, 40000);
  auto e = evaluate_rafiki(sc, "random", rafiki::make_baseline("random", 2),
                           arrivals);
  rafiki_series predicted{arrivals, 10.0};
  auto replay = rafiki::make_baseline("random", 2);
  run_rafiki_direct(sc, arrivals, *replay,
                    [&](const rafiki::step_record& s) { predicted.add(s); });
  const auto& got = e.series.seconds();
  const auto& want = predicted.seconds();
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  BOOST_CHECK_GT(e.series.overdue_ratio(), 0.1);
  for (size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST_CONTEXT("second " << i) {
      BOOST_CHECK_EQUAL(got[i].served, want[i].served);
      BOOST_CHECK_EQUAL(got[i].overdue, want[i].overdue);
      BOOST_CHECK_CLOSE(got[i].latency_max_s, want[i].latency_max_s, 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_baseline_serves_a_last_few_requests) {
  // Fewer than the smallest batch, and nothing after them: a baseline
  // that holds for a fuller queue must give up once they are overdue, or
  // the run would never end.
  auto sc = seed_scenario("async");
  arrival_times few;
  for (int i = 0; i < 5; ++i)
    few.emplace_back(1'000'000'000 + i);
  for (const auto& name : rafiki::baselines()) {
    BOOST_TEST_CONTEXT(name) {
      bounded_agent agent{rafiki::make_baseline(name, 1), 100000};
      auto done = run_rafiki_direct(sc, few, agent, {});
      BOOST_CHECK(!done.exhausted);
      BOOST_CHECK_EQUAL(done.served, 5u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
