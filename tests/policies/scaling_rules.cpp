// The arithmetic of each scaling rule: seed 004's prediction and sizing,
// InferLine's envelope tuner.

#include <boost/test/unit_test.hpp>

#include <deque>

#include "policies/scaling/envelope_tuner.hpp"
#include "policies/scaling/rate_predictor.hpp"
#include "policies/scaling/seed_rule.hpp"

using namespace troupe;

namespace {

/// s(1) = 10 ms, s(2) = 12.5 ms, s(4) = 20 ms; thr 100, 160, 200 q/s.
const profile fast{"CPU", 1, {{1, 10.0, 100.0}, {2, 12.0, 160.0},
                              {4, 20.0, 200.0}}, {}, {}, {}};

} // namespace

BOOST_AUTO_TEST_SUITE(scaling_rules)

BOOST_AUTO_TEST_CASE(the_predictor_extends_a_line_ahead) {
  rate_predictor p{3};
  BOOST_CHECK_EQUAL(p.predict(5), 0.0);
  p.add(1, 100);
  BOOST_CHECK_CLOSE(p.predict(4), 100.0, 1e-9);
  p.add(2, 110);
  p.add(3, 120);
  // 10 q/s more per second: 3 s ahead of the last point is 150.
  BOOST_CHECK_CLOSE(p.predict(6), 150.0, 1e-9);
  // Only the last three points count.
  p.add(4, 90);
  BOOST_CHECK_EQUAL(p.size(), 3u);
  BOOST_CHECK_CLOSE(p.predict(5), 86.6666666667, 1e-6);
  // A falling rate never predicts below zero.
  rate_predictor down{2};
  down.add(1, 50);
  down.add(2, 10);
  BOOST_CHECK_EQUAL(down.predict(10), 0.0);
}

BOOST_AUTO_TEST_CASE(b_star_is_the_largest_batch_that_fits_the_stage_slo) {
  // At 100 q/s, collecting b takes 10 (b - 1) ms. With 5 ms overhead:
  // b = 1: 10 + 0 + 5 = 15; b = 2: 12.5 + 10 + 5 = 27.5;
  // b = 3: 16.2 + 20 + 5 = 41.2; b = 4: 20 + 30 + 5 = 55.
  BOOST_CHECK_EQUAL(largest_timely_batch(fast, 100, 15, 5), 1u);
  BOOST_CHECK_EQUAL(largest_timely_batch(fast, 100, 30, 5), 2u);
  BOOST_CHECK_EQUAL(largest_timely_batch(fast, 100, 54.9, 5), 3u);
  BOOST_CHECK_EQUAL(largest_timely_batch(fast, 100, 55, 5), 4u);
  // Nothing fits: batch 1. No load: batch 1.
  BOOST_CHECK_EQUAL(largest_timely_batch(fast, 100, 1, 5), 1u);
  BOOST_CHECK_EQUAL(largest_timely_batch(fast, 0, 1000, 5), 1u);
}

BOOST_AUTO_TEST_CASE(workers_are_the_rate_over_the_throughput_plus_margin) {
  BOOST_CHECK_EQUAL(workers_for(fast, 400, 4), 2u);
  BOOST_CHECK_EQUAL(workers_for(fast, 401, 4), 3u);
  BOOST_CHECK_EQUAL(workers_for(fast, 0, 4), 0u);
  seed_rule_options opts;
  opts.overhead_ms = 5;
  opts.margin = 1;
  auto x = seed_rule(fast, 500, 100, opts);
  BOOST_CHECK_EQUAL(x.batch, 4u);
  BOOST_CHECK_EQUAL(x.workers, 4u); // ceil(500 / 200) + 1
  opts.margin = 0;
  BOOST_CHECK_EQUAL(seed_rule(fast, 0, 100, opts).workers, 1u);
}

BOOST_AUTO_TEST_CASE(the_tuner_sizes_for_the_worst_window) {
  // 10 ms buckets. A steady 100 q/s (1 per bucket) over 10 s with a burst
  // of 50 requests in one bucket.
  std::deque<uint32_t> buckets(1000, 1);
  tuner_inputs in;
  in.buckets = &buckets;
  in.bucket_s = 0.01;
  in.shortest_s = 0.02;
  in.longest_s = 60;
  in.slack_s = 0;
  in.per_worker_qps = 30;
  // Without a burst or slack, every window asks for exactly 100 q/s.
  BOOST_CHECK_CLOSE(envelope_capacity_qps(in), 100.0, 1e-9);
  BOOST_CHECK_EQUAL(tuner_workers(in), 4u);
  // Slack lets a stage drain a window later: A(w) / (w + slack).
  in.slack_s = 0.02;
  BOOST_CHECK_CLOSE(envelope_capacity_qps(in), 1000.0 / 10.02, 1e-9);
  // A burst dominates the short windows: 2 buckets hold 51 requests,
  // 51 / (0.02 + 0.02) = 1275 q/s.
  buckets[500] = 50;
  BOOST_CHECK_CLOSE(envelope_capacity_qps(in), 1275.0, 1e-9);
  BOOST_CHECK_EQUAL(tuner_workers(in), 43u);
  // No history: one worker.
  std::deque<uint32_t> none;
  in.buckets = &none;
  BOOST_CHECK_EQUAL(tuner_workers(in), 1u);
}

BOOST_AUTO_TEST_SUITE_END()
