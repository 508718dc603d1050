// The frontend's policy objects, each from a snapshot: batching, dropping,
// choosing a replica.

#include <boost/test/unit_test.hpp>

#include "policies/batching/batching_policy.hpp"
#include "policies/dropping/drop_policy.hpp"
#include "policies/routing/replica_router.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(dispatch_policies)

BOOST_AUTO_TEST_CASE(fill_waits_for_a_full_batch_until_its_slo_share_runs_out) {
  // s(4) = 20 ms, stage SLO share 50 ms: a partial batch waits 30 ms.
  profile service{"CPU", 1, {{1, 10, 100}, {4, 20, 200}}, {}, {}, {}};
  batching_snapshot x{3, 29ms, 4, &service, 50ms};
  auto fill = make_batching_policy({batching_kind::fill});
  BOOST_CHECK_EQUAL(fill->batch_size(x), 0u);
  BOOST_CHECK(fill->longest_wait(x) == 30ms);
  x.waited = 30ms;
  BOOST_CHECK_EQUAL(fill->batch_size(x), 3u);
  x.waited = 0ms;
  x.queue_length = 9;
  BOOST_CHECK_EQUAL(fill->batch_size(x), 4u);
  auto greedy = make_batching_policy({batching_kind::greedy});
  x.queue_length = 3;
  BOOST_CHECK_EQUAL(greedy->batch_size(x), 3u);
  BOOST_CHECK(!greedy->longest_wait(x));
}

BOOST_AUTO_TEST_CASE(delay_waits_at_most_its_max_queue_delay) {
  batching_snapshot x{3, 1999us, 8, nullptr, 50ms};
  auto delay = make_batching_policy({batching_kind::delay, 2ms});
  BOOST_CHECK(delay->may_wait());
  BOOST_CHECK_EQUAL(delay->batch_size(x), 0u);
  BOOST_CHECK(delay->longest_wait(x) == 2ms);
  x.waited = 2ms;
  BOOST_CHECK_EQUAL(delay->batch_size(x), 3u);
  x.waited = 0ms;
  x.queue_length = 8;
  BOOST_CHECK_EQUAL(delay->batch_size(x), 8u);
}

BOOST_AUTO_TEST_CASE(aimd_grows_its_cap_by_one_and_backs_off_by_a_tenth) {
  batching_snapshot x{100, 0ms, 64, nullptr, 10ms};
  auto aimd = make_batching_policy({batching_kind::aimd});
  BOOST_CHECK_EQUAL(aimd->batch_size(x), 1u);
  // Twenty batches at the cap, each within the SLO share: cap 21.
  for (uint32_t size = 1; size <= 20; ++size)
    aimd->observe(size, 5ms, 10ms);
  BOOST_CHECK_EQUAL(aimd->batch_size(x), 21u);
  // A small batch that was fast does not raise the cap.
  aimd->observe(3, 1ms, 10ms);
  BOOST_CHECK_EQUAL(aimd->batch_size(x), 21u);
  // One too slow: 21 x 0.9 = 18.9 -> 18.
  aimd->observe(21, 11ms, 10ms);
  BOOST_CHECK_EQUAL(aimd->batch_size(x), 18u);
  // The queue and max_batch still bound it.
  x.queue_length = 5;
  BOOST_CHECK_EQUAL(aimd->batch_size(x), 5u);
  x.queue_length = 100;
  x.max_batch = 4;
  BOOST_CHECK_EQUAL(aimd->batch_size(x), 4u);
}

BOOST_AUTO_TEST_CASE(deadline_takes_the_largest_batch_that_meets_the_oldest) {
  // s(1) = 10 ms, s(2) = 12.5 ms, s(4) = 20 ms, s(3) = 3000/180 = 16.7 ms.
  profile service{"CPU", 1, {{1, 10, 100}, {2, 12, 160}, {4, 20, 200}},
                  {}, {}, {}};
  batching_snapshot x{9, 0ms, 4, &service, 50ms};
  auto deadline = make_batching_policy({batching_kind::deadline});
  x.oldest_slack = 20ms;
  BOOST_CHECK_EQUAL(deadline->batch_size(x), 4u);
  x.oldest_slack = 19ms;
  BOOST_CHECK_EQUAL(deadline->batch_size(x), 3u);
  x.oldest_slack = 13ms;
  BOOST_CHECK_EQUAL(deadline->batch_size(x), 2u);
  // Nothing meets it: one request still goes (dropping decides its fate).
  x.oldest_slack = -5ms;
  BOOST_CHECK_EQUAL(deadline->batch_size(x), 1u);
  // Without a profile nothing says how long a batch takes: greedy.
  x.service = nullptr;
  BOOST_CHECK_EQUAL(deadline->batch_size(x), 4u);
}

BOOST_AUTO_TEST_CASE(estimate_drops_at_admission_and_deadline_at_dequeue) {
  // 7 ahead in batches of 4 on 1 worker: 2 rounds of 20 ms.
  admission_snapshot at_door{0ms, 39ms, 7, 1, 4, 20ms};
  drop_snapshot at_queue_head{10ms, 25ms, 20ms};
  auto none = make_dropping_policy(drop_kind::none);
  auto deadline = make_dropping_policy(drop_kind::deadline);
  auto estimate = make_dropping_policy(drop_kind::estimate);
  BOOST_CHECK(!none->checks_admission() && !none->at_dequeue(at_queue_head));
  BOOST_CHECK(!deadline->checks_admission());
  BOOST_CHECK(deadline->at_dequeue(at_queue_head));
  BOOST_CHECK(estimate->checks_admission());
  BOOST_CHECK(estimate->at_admission(at_door));
  at_door.deadline = 40ms;
  BOOST_CHECK(!estimate->at_admission(at_door));
  at_door.workers = 0; // booting: nothing is known yet
  at_door.deadline = 1ms;
  BOOST_CHECK(!estimate->at_admission(at_door));
}

BOOST_AUTO_TEST_CASE(routers_pick_the_first_idle_or_take_turns) {
  std::vector<bool> idle{true, false, true, true};
  auto first = make_replica_router(routing_kind::first_idle);
  auto turns = make_replica_router(routing_kind::round_robin);
  BOOST_CHECK_EQUAL(*first->pick(idle), 0u);
  BOOST_CHECK_EQUAL(*first->pick(idle), 0u);
  BOOST_CHECK_EQUAL(*turns->pick(idle), 0u);
  BOOST_CHECK_EQUAL(*turns->pick(idle), 2u);
  BOOST_CHECK_EQUAL(*turns->pick(idle), 3u);
  BOOST_CHECK_EQUAL(*turns->pick(idle), 0u);
  BOOST_CHECK(!first->pick({false, false}));
}

BOOST_AUTO_TEST_SUITE_END()
