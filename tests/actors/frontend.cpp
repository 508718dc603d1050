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

/// s(1) = 10 ms, s(8) = 20 ms; s(4) = 1000 * 4 / thr(4) with thr(4) =
/// 100 + 300 * 3/7.
const profile service{"cpu", 1, {{1, 10, 100.0}, {8, 20, 400.0}}, {}, {}, {}};

/// A frontend state with `replicas` fake (invalid) replica handles.
struct fixture {
  frontend_state st;

  void setup(size_t replicas, uint32_t max_batch, size_t capacity = 100,
             drop_kind dropping = drop_kind::none, size_t inputs = 1) {
    frontend_options opts;
    opts.pool.initial = static_cast<uint32_t>(replicas);
    setup(opts, replicas, max_batch, capacity, dropping, inputs);
  }

  void setup(frontend_options opts, size_t replicas, uint32_t max_batch,
             size_t capacity = 100, drop_kind dropping = drop_kind::none,
             size_t inputs = 1) {
    opts.stage = 4;
    opts.inputs = inputs;
    opts.queue_capacity = capacity;
    opts.max_batch = max_batch;
    opts.dropping = dropping;
    opts.service = service;
    opts.replicas.resize(replicas);
    st.init(opts);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(frontends, fixture)

BOOST_AUTO_TEST_CASE(an_idle_replica_takes_min_of_max_batch_and_queue) {
  setup(1, 4);
  BOOST_CHECK(st.admit(requests(0, 6), 1ms).full.empty());
  auto first = st.next_dispatch(1ms);
  BOOST_REQUIRE(first);
  BOOST_CHECK_EQUAL(first->work.requests.size(), 4u);
  BOOST_CHECK_EQUAL(first->work.from, 4);
  // The only replica is busy now.
  BOOST_CHECK(!st.next_dispatch(1ms));
  st.release(0, 2ms);
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
  st.release(0, 0ms);
  BOOST_CHECK_EQUAL(st.next_dispatch(0ms)->replica, 0u);
}

BOOST_AUTO_TEST_CASE(a_full_queue_drops_what_does_not_fit) {
  setup(1, 1, 3);
  auto full = st.admit(requests(0, 5), 0ms).full;
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
  BOOST_CHECK(st.pool.idle()[0]);
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

BOOST_AUTO_TEST_CASE(the_estimate_policy_drops_on_admission_behind_a_long_queue) {
  // One worker, batches of 8 taking s(8) = 20 ms: a request behind 8 others
  // leaves after 2 batches, 40 ms.
  setup(1, 8, 100, drop_kind::estimate);
  BOOST_CHECK(st.admit(requests(0, 8, 1s), 0ms).unreachable.empty());
  auto late = st.admit(requests(8, 1, 39ms), 0ms);
  BOOST_REQUIRE_EQUAL(late.unreachable.size(), 1u);
  BOOST_CHECK_EQUAL(late.unreachable[0].id, 8u);
  BOOST_CHECK(st.admit(requests(9, 1, 40ms), 0ms).unreachable.empty());
  BOOST_CHECK_EQUAL(st.queue.size(), 9u);
}

BOOST_AUTO_TEST_CASE(fill_batching_waits_for_a_full_batch_then_flushes) {
  frontend_options opts;
  opts.batching = batching_kind::fill;
  // A partial batch waits the stage's share minus s(4): 30 ms.
  opts.stage_slo = 30ms + service.service_time(4);
  setup(opts, 1, 4);
  st.admit(requests(0, 2), 0ms);
  BOOST_CHECK(!st.next_dispatch(10ms));
  BOOST_REQUIRE(st.flush_time());
  BOOST_CHECK(*st.flush_time() == 30ms);
  auto flushed = st.next_dispatch(30ms);
  BOOST_REQUIRE(flushed);
  BOOST_CHECK_EQUAL(flushed->work.requests.size(), 2u);
  // A full batch goes at once.
  st.release(0, 31ms);
  st.admit(requests(2, 4), 31ms);
  auto full = st.next_dispatch(31ms);
  BOOST_REQUIRE(full);
  BOOST_CHECK_EQUAL(full->work.requests.size(), 4u);
}

BOOST_AUTO_TEST_CASE(aimd_batching_learns_from_each_batch_it_gets_back) {
  frontend_options opts;
  opts.batching = batching_kind::aimd;
  opts.stage_slo = 10ms;
  setup(opts, 1, 8);
  st.admit(requests(0, 20), 0ms);
  // The cap starts at 1 and grows by one per batch back within 10 ms.
  for (size_t expected = 1; expected <= 3; ++expected) {
    auto next = st.next_dispatch(0ms);
    BOOST_REQUIRE(next);
    BOOST_CHECK_EQUAL(next->work.requests.size(), expected);
    st.release(0, 5ms);
  }
  // A batch that took 15 ms: the cap of 4 backs off to 3.
  auto slow = st.next_dispatch(5ms);
  BOOST_REQUIRE(slow);
  BOOST_CHECK_EQUAL(slow->work.requests.size(), 4u);
  st.release(0, 20ms);
  auto after = st.next_dispatch(20ms);
  BOOST_REQUIRE(after);
  BOOST_CHECK_EQUAL(after->work.requests.size(), 3u);
}

BOOST_AUTO_TEST_CASE(deadline_batching_sees_the_oldest_deadline) {
  frontend_options opts;
  opts.batching = batching_kind::deadline;
  setup(opts, 1, 8);
  // This suite's profile: s(2) = 14.0 ms, s(3) = 16.2 ms. The oldest
  // request has 15 ms left at 5 ms: a batch of 2 goes.
  st.admit(requests(0, 8, 20ms), 0ms);
  auto next = st.next_dispatch(5ms);
  BOOST_REQUIRE(next);
  BOOST_CHECK_EQUAL(next->work.requests.size(), 2u);
}

BOOST_AUTO_TEST_CASE(a_busy_worker_gets_its_next_full_batch_ahead) {
  frontend_options opts;
  opts.send_ahead = true;
  setup(opts, 1, 4);
  st.admit(requests(0, 10), 0ms);
  auto first = st.next_dispatch(0ms);
  BOOST_REQUIRE(first);
  // A full batch is queued behind it: it goes ahead, one at most.
  auto ahead = st.next_ahead(1ms);
  BOOST_REQUIRE(ahead);
  BOOST_CHECK_EQUAL(ahead->replica, 0u);
  BOOST_REQUIRE_EQUAL(ahead->work.requests.size(), 4u);
  BOOST_CHECK_EQUAL(ahead->work.requests[0].id, 4u);
  BOOST_CHECK(!st.next_ahead(1ms));
  // Done with the first: the replica started the second, so the worker
  // stays busy and its batch in service is the second, since then.
  st.release(0, 20ms);
  BOOST_CHECK(st.pool.state(0) == worker_state::busy);
  BOOST_CHECK(st.in_service[0] == std::make_pair(caf::timespan{20ms}, 4u));
  BOOST_CHECK_EQUAL(st.serving[0],
                    ahead->work.requests[0].trace.back().batch_id);
  BOOST_CHECK(!st.next_dispatch(20ms));
  // Two requests left: not a full batch, nothing goes ahead.
  BOOST_CHECK(!st.next_ahead(20ms));
  st.release(0, 40ms);
  BOOST_CHECK(st.pool.state(0) == worker_state::idle);
  auto last = st.next_dispatch(40ms);
  BOOST_REQUIRE(last);
  BOOST_CHECK_EQUAL(last->work.requests.size(), 2u);
}

BOOST_AUTO_TEST_CASE(the_worker_expected_to_finish_first_gets_the_batch_ahead) {
  frontend_options opts;
  opts.send_ahead = true;
  opts.pool.initial = 2;
  setup(opts, 2, 4);
  // Worker 0 takes a full batch at 0 ms (s(4) is about 17.7 ms), worker 1
  // a single request at 5 ms (10 ms): worker 1 is due first.
  st.admit(requests(0, 4), 0ms);
  BOOST_CHECK_EQUAL(st.next_dispatch(0ms)->replica, 0u);
  st.admit(requests(4, 1), 5ms);
  BOOST_CHECK_EQUAL(st.next_dispatch(5ms)->replica, 1u);
  // While a worker is idle, nothing goes ahead.
  st.admit(requests(5, 8), 6ms);
  auto ahead = st.next_ahead(6ms);
  BOOST_REQUIRE(ahead);
  BOOST_CHECK_EQUAL(ahead->replica, 1u);
  auto other = st.next_ahead(6ms);
  BOOST_REQUIRE(other);
  BOOST_CHECK_EQUAL(other->replica, 0u);
  BOOST_CHECK(!st.next_ahead(6ms));
}

BOOST_AUTO_TEST_CASE(nothing_goes_ahead_where_the_start_matters) {
  // Deadline batching, dropping at dequeue, or without send_ahead: one
  // batch per worker.
  auto deadline = [] {
    frontend_options opts;
    opts.batching = batching_kind::deadline;
    opts.send_ahead = true;
    return opts;
  };
  frontend_options off;
  frontend_options dropping;
  dropping.send_ahead = true;
  for (auto [opts, drops] : {std::pair{deadline(), drop_kind::none},
                            std::pair{dropping, drop_kind::deadline},
                            std::pair{off, drop_kind::none}}) {
    fixture f;
    opts.pool.initial = 1;
    f.setup(opts, 1, 2, 100, drops);
    f.st.admit(requests(0, 8, 1s), 0ms);
    BOOST_CHECK(f.st.next_dispatch(0ms));
    BOOST_CHECK(!f.st.next_ahead(0ms));
  }
}

BOOST_AUTO_TEST_CASE(a_replica_on_a_node_gets_no_batch_ahead) {
  frontend_options opts;
  opts.send_ahead = true;
  opts.joining = {0};
  setup(opts, 1, 2);
  st.join(0, replica_actor{}, 0ms);
  st.admit(requests(0, 8), 0ms);
  BOOST_CHECK(st.next_dispatch(0ms));
  BOOST_CHECK(!st.next_ahead(0ms));
}

BOOST_AUTO_TEST_CASE(a_scale_order_boots_workers_that_serve_after_the_cold_start) {
  frontend_options opts;
  opts.pool.initial = 1;
  opts.pool.cold_start = 3s;
  setup(opts, 4, 2);
  auto boots = st.apply(scale_order{3, 8}, 1s);
  BOOST_REQUIRE_EQUAL(boots.size(), 2u);
  // Clamped to the profile's largest batch.
  BOOST_CHECK_EQUAL(st.options.max_batch, 8u);
  st.admit(requests(0, 24), 1s);
  BOOST_REQUIRE(st.next_dispatch(1s));
  BOOST_CHECK(!st.next_dispatch(2s)); // the others still boot
  BOOST_CHECK(st.pool.booted(boots[0], 4s));
  auto next = st.next_dispatch(4s);
  BOOST_REQUIRE(next);
  BOOST_CHECK_EQUAL(next->replica, boots[0].slot);
}

BOOST_AUTO_TEST_CASE(a_load_report_counts_arrivals_per_bucket_and_restarts) {
  frontend_options opts;
  opts.pool.initial = 1;
  opts.load_bucket = 10ms;
  setup(opts, 1, 4);
  st.admit(requests(0, 2), 5ms);
  st.admit(requests(2, 1), 25ms);
  auto load = st.report(30ms);
  BOOST_CHECK(load.since == 0ms);
  BOOST_CHECK((load.arrivals == std::vector<uint32_t>{2, 0, 1}));
  BOOST_CHECK_EQUAL(load.active, 1u);
  auto next = st.report(40ms);
  BOOST_CHECK(next.since == 30ms);
  BOOST_CHECK(next.arrivals.empty());
}

BOOST_AUTO_TEST_SUITE_END()
