#include <boost/test/unit_test.hpp>

#include "actors/frontend.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

batch requests(uint64_t first, uint64_t count, caf::timespan deadline = 1s) {
  batch b;
  for (uint64_t id = first; id < first + count; ++id) {
    request r;
    r.id = id;
    r.deadline = deadline;
    b.requests.push_back(r);
  }
  return b;
}

/// A frontend state with `replicas` fake (invalid) replica handles.
struct fixture {
  frontend_state st;

  void setup(size_t replicas, uint32_t max_batch, size_t capacity = 100,
             drop_kind dropping = drop_kind::none, size_t inputs = 1) {
    frontend_options opts;
    opts.stage = 4;
    opts.inputs = inputs;
    opts.queue_capacity = capacity;
    opts.batching.max_batch = max_batch;
    opts.dropping = dropping;
    opts.service = std::make_shared<const profile>(
      profile{"cpu", 1, {{1, 10, 100.0}, {8, 20, 400.0}}});
    st.init(opts, std::vector<replica_actor>(replicas), sink_actor{}, nullptr);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(frontends, fixture)

BOOST_AUTO_TEST_CASE(an_idle_replica_takes_min_of_max_batch_and_queue) {
  setup(1, 4);
  BOOST_CHECK(st.admit(requests(0, 6), 1ms).empty());
  auto first = st.next_dispatch(1ms);
  BOOST_REQUIRE(first);
  BOOST_CHECK_EQUAL(first->work.requests.size(), 4u);
  BOOST_CHECK_EQUAL(first->work.from, 4);
  // The only replica is busy now.
  BOOST_CHECK(!st.next_dispatch(1ms));
  st.release(0);
  auto second = st.next_dispatch(2ms);
  BOOST_REQUIRE(second);
  BOOST_CHECK_EQUAL(second->work.requests.size(), 2u);
  BOOST_CHECK_EQUAL(second->work.requests[0].id, 4u);
  // The trace says when, where and in which batch size.
  const auto& visit = second->work.requests[0].trace.back();
  BOOST_CHECK_EQUAL(visit.stage, 4);
  BOOST_CHECK(visit.enqueue == 1ms);
  BOOST_CHECK(visit.dequeue == 2ms);
  BOOST_CHECK_EQUAL(visit.batch_size, 2u);
  BOOST_CHECK(st.queue.empty());
}

BOOST_AUTO_TEST_CASE(first_idle_routing_prefers_low_replicas) {
  setup(3, 1);
  st.admit(requests(0, 3), 0ms);
  BOOST_CHECK_EQUAL(st.next_dispatch(0ms)->replica, 0u);
  BOOST_CHECK_EQUAL(st.next_dispatch(0ms)->replica, 1u);
  st.release(0);
  BOOST_CHECK_EQUAL(st.next_dispatch(0ms)->replica, 0u);
}

BOOST_AUTO_TEST_CASE(a_full_queue_drops_what_does_not_fit) {
  setup(1, 1, 3);
  auto full = st.admit(requests(0, 5), 0ms);
  BOOST_REQUIRE_EQUAL(full.size(), 2u);
  BOOST_CHECK_EQUAL(full[0].id, 3u);
  BOOST_CHECK_EQUAL(st.queue.size(), 3u);
}

BOOST_AUTO_TEST_CASE(the_deadline_policy_drops_requests_that_cannot_make_it) {
  setup(1, 8, 100, drop_kind::deadline);
  // s(2) = 1000 * 2 / thr(2) ms with thr(2) = 100 + 300/7.
  st.admit(requests(0, 1, 5ms), 0ms);
  st.admit(requests(1, 1, 50ms), 0ms);
  auto d = st.next_dispatch(0ms);
  BOOST_REQUIRE(d);
  BOOST_REQUIRE_EQUAL(d->expired.size(), 1u);
  BOOST_CHECK_EQUAL(d->expired[0].id, 0u);
  BOOST_REQUIRE_EQUAL(d->work.requests.size(), 1u);
  BOOST_CHECK_EQUAL(d->work.requests[0].id, 1u);
  BOOST_CHECK_EQUAL(d->work.requests[0].trace.back().batch_size, 1u);
}

BOOST_AUTO_TEST_CASE(nothing_is_dispatched_when_everything_expired) {
  setup(1, 8, 100, drop_kind::deadline);
  st.admit(requests(0, 2, 1ms), 0ms);
  auto d = st.next_dispatch(0ms);
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(d->expired.size(), 2u);
  BOOST_CHECK(d->work.requests.empty());
  BOOST_CHECK(st.idle[0]);
  BOOST_CHECK(!st.next_dispatch(0ms));
}

BOOST_AUTO_TEST_CASE(several_inputs_queue_a_request_once_all_sent_it) {
  setup(1, 4, 100, drop_kind::none, 2);
  st.admit(requests(0, 2), 0ms);
  BOOST_CHECK(st.queue.empty());
  st.admit(requests(1, 1), 3ms);
  BOOST_REQUIRE_EQUAL(st.queue.size(), 1u);
  BOOST_CHECK_EQUAL(st.queue.front().id, 1u);
  BOOST_CHECK(st.queue.front().trace.back().enqueue == 3ms);
}

BOOST_AUTO_TEST_SUITE_END()
