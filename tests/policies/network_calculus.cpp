// The network-calculus latency bound of a plan: T + sup_w (alpha(w)/R - w).

#include <boost/test/unit_test.hpp>

#include "policies/planning/network_calculus.hpp"

using namespace troupe;

namespace {

/// One stage whose profile serves 100 q/s at batch 1 (s(1) = 10 ms) and
/// 200 q/s at batch 4 (s(4) = 20 ms).
planning_problem one_stage() {
  auto p = std::make_shared<profile>();
  p->hardware = "CPU";
  p->cost = 1;
  p->rows = {{1, 10, 100}, {4, 20, 200}};
  planning_problem pb;
  pb.stages.push_back(planning_stage{"a", {p}, {}});
  pb.slo_ms = 1000;
  return pb;
}

traffic_envelope envelope(std::vector<std::pair<double, uint64_t>> points) {
  traffic_envelope env;
  for (auto [w, n] : points)
    env.points.push_back(envelope_point{w, n});
  return env;
}

} // namespace

BOOST_AUTO_TEST_SUITE(network_calculus)

BOOST_AUTO_TEST_CASE(bound_is_latency_plus_the_backlog_drain_time) {
  auto pb = one_stage();
  pipeline_plan plan{stage_choice{"CPU", 1, 1}};
  // alpha: 2 in 10 ms, 3 in 20 ms, 4 in 40 ms (long-run 100 q/s <= R).
  auto env = envelope({{0.01, 2}, {0.02, 3}, {0.04, 4}});
  auto bound = network_calculus_bound(pb, plan, env);
  // T = 2 s(1) = 20 ms. R = 100 q/s: candidates alpha(w0)/R = 20 ms,
  // 3/R - 10 ms = 20 ms, 4/R - 20 ms = 20 ms, and beyond W = 40 ms the
  // subadditive tail 2 alpha(W)/R - W = 40 ms.
  BOOST_CHECK_CLOSE(bound.ms, 20.0 + 40.0, 1e-6);
  // When the longest window spans the whole sample, nothing arrives later:
  // the tail is alpha(W)/R - W = 0 and the bound is T + 20 ms.
  env.whole_sample = true;
  BOOST_CHECK_CLOSE(network_calculus_bound(pb, plan, env).ms, 40.0, 1e-6);
  BOOST_CHECK_EQUAL(bound.path.size(), 1u);
}

BOOST_AUTO_TEST_CASE(more_replicas_shrink_the_bound) {
  auto pb = one_stage();
  auto env = envelope({{0.01, 2}, {0.02, 3}, {0.04, 4}});
  auto one = network_calculus_bound(pb, {stage_choice{"CPU", 1, 1}}, env);
  auto two = network_calculus_bound(pb, {stage_choice{"CPU", 1, 2}}, env);
  BOOST_CHECK_LT(two.ms, one.ms);
}

BOOST_AUTO_TEST_CASE(a_long_run_rate_above_capacity_is_unbounded) {
  auto pb = one_stage();
  // 10 arrivals in 40 ms: 250 q/s over the longest window, R = 100 q/s.
  auto env = envelope({{0.01, 3}, {0.02, 6}, {0.04, 10}});
  auto bound = network_calculus_bound(pb, {stage_choice{"CPU", 1, 1}}, env);
  BOOST_CHECK(bound.ms == infeasible_latency);
}

BOOST_AUTO_TEST_SUITE_END()
