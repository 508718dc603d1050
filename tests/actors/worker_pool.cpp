// The worker lifecycle: off -> booting -> idle <-> busy, delayed scale-down,
// and the cost it accrues.

#include <boost/test/unit_test.hpp>

#include "actors/worker_pool.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

worker_pool_options seed_options(uint32_t slots, uint32_t initial) {
  worker_pool_options opts;
  opts.slots = slots;
  opts.initial = initial;
  opts.cold_start = 3s;
  opts.scale_down_delay = 8s;
  opts.running_cost_per_s = 1e-3;
  opts.idle_cost_per_s = 0.3e-3;
  return opts;
}

} // namespace

BOOST_AUTO_TEST_SUITE(worker_pools)

BOOST_AUTO_TEST_CASE(a_booting_worker_serves_only_after_its_boot) {
  worker_pool pool{seed_options(4, 1)};
  BOOST_CHECK_EQUAL(pool.active(), 1u);
  auto boots = pool.set_target(3, 1s);
  BOOST_REQUIRE_EQUAL(boots.size(), 2u);
  BOOST_CHECK_EQUAL(boots[0].slot, 1u);
  BOOST_CHECK(pool.state(1) == worker_state::booting);
  BOOST_CHECK(!pool.idle()[1]);
  BOOST_CHECK_EQUAL(pool.wanted(), 3u);
  BOOST_CHECK_EQUAL(pool.active(), 1u);
  BOOST_CHECK(pool.booted(boots[0], 4s));
  BOOST_CHECK(pool.idle()[1]);
  BOOST_CHECK_EQUAL(pool.active(), 2u);
  // Asking again for what is already there boots nothing.
  BOOST_CHECK(pool.set_target(3, 4s).empty());
}

BOOST_AUTO_TEST_CASE(scale_down_waits_for_the_delay) {
  worker_pool pool{seed_options(4, 4)};
  BOOST_CHECK(pool.set_target(1, 1s).empty());
  BOOST_CHECK_EQUAL(pool.wanted(), 4u); // held: 4 was the target at 0 s
  pool.set_target(2, 5s);
  BOOST_CHECK_EQUAL(pool.wanted(), 4u);
  // 8 s after the target fell from 4 (at 1 s), the highest target since is 2.
  pool.set_target(1, 9s);
  BOOST_CHECK_EQUAL(pool.wanted(), 2u);
  // 2 was the target from 5 s to 9 s: it holds until 17 s.
  pool.set_target(1, 13s);
  BOOST_CHECK_EQUAL(pool.wanted(), 2u);
  pool.set_target(1, 17s);
  BOOST_CHECK_EQUAL(pool.wanted(), 1u);
  // The highest slots went first.
  BOOST_CHECK(pool.state(0) == worker_state::idle);
  BOOST_CHECK(pool.state(3) == worker_state::off);
}

BOOST_AUTO_TEST_CASE(a_cancelled_boot_does_not_wake_up) {
  auto opts = seed_options(3, 1);
  opts.scale_down_delay = 0s;
  worker_pool pool{opts};
  auto boots = pool.set_target(2, 0s);
  BOOST_REQUIRE_EQUAL(boots.size(), 1u);
  pool.set_target(1, 1s);
  BOOST_CHECK(pool.state(boots[0].slot) == worker_state::off);
  BOOST_CHECK(!pool.booted(boots[0], 3s));
  // A new boot of the same slot has a new generation; the old wake-up is
  // stale.
  auto again = pool.set_target(2, 2s);
  BOOST_REQUIRE_EQUAL(again.size(), 1u);
  BOOST_CHECK(!pool.booted(boots[0], 3s));
  BOOST_CHECK(pool.booted(again[0], 5s));
}

BOOST_AUTO_TEST_CASE(a_busy_worker_drains_before_it_stops) {
  auto opts = seed_options(2, 2);
  opts.scale_down_delay = 0s;
  // Two busy workers, one retired: it finishes its batch first.
  auto busy_pair = [&] {
    worker_pool pool{opts};
    pool.take(0, 0s);
    pool.take(1, 0s);
    pool.set_target(1, 1s);
    BOOST_CHECK(pool.state(1) == worker_state::draining);
    BOOST_CHECK_EQUAL(pool.wanted(), 1u);
    return pool;
  };
  auto pool = busy_pair();
  pool.release(1, 2s);
  BOOST_CHECK(pool.state(1) == worker_state::off);
  // Scaling up again takes a draining worker back before booting another.
  auto again = busy_pair();
  BOOST_CHECK(again.set_target(2, 1s).empty());
  BOOST_CHECK(again.state(1) == worker_state::busy);
}

BOOST_AUTO_TEST_CASE(cost_accrues_per_second_running_or_idle) {
  worker_pool pool{seed_options(3, 2)};
  // 0-10 s: two idle workers.
  pool.take(0, 10s);
  // 10-20 s: one busy, one idle; a third boots from 15 s.
  pool.set_target(3, 15s);
  BOOST_CHECK_CLOSE(pool.cost(20s),
                    2 * 10 * 0.3e-3 + 10 * (1e-3 + 0.3e-3) + 5 * 1e-3, 1e-9);
}

BOOST_AUTO_TEST_SUITE_END()
