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
  profile service{"CPU", 1, {{1, 10, 100}, {4, 20, 200}}};
  batching_snapshot x{3, 29ms, 4, &service, 50ms};
  auto fill = make_batching_policy(batching_kind::fill);
  BOOST_CHECK_EQUAL(fill->batch_size(x), 0u);
  BOOST_CHECK(fill->longest_wait(x) == 30ms);
  x.waited = 30ms;
  BOOST_CHECK_EQUAL(fill->batch_size(x), 3u);
  x.waited = 0ms;
  x.queue_length = 9;
  BOOST_CHECK_EQUAL(fill->batch_size(x), 4u);
  auto greedy = make_batching_policy(batching_kind::greedy);
  x.queue_length = 3;
  BOOST_CHECK_EQUAL(greedy->batch_size(x), 3u);
  BOOST_CHECK(!greedy->longest_wait(x));
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
