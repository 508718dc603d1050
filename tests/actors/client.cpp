#include <boost/test/unit_test.hpp>

#include "actors/client.hpp"

using namespace troupe;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(clients)

BOOST_AUTO_TEST_CASE(due_requests_leave_together_and_carry_deadlines) {
  client_state st;
  st.options.arrivals = std::make_shared<const arrival_times>(
    arrival_times{0ms, 0ms, 5ms, 9ms});
  st.options.slo = 100ms;
  auto first = st.take_due(0ms);
  BOOST_REQUIRE_EQUAL(first.requests.size(), 2u);
  BOOST_CHECK_EQUAL(first.from, source_stage);
  BOOST_CHECK(first.requests[1].deadline == 100ms);
  BOOST_CHECK_EQUAL(first.requests[1].trace.at(0).stage, source_stage);
  BOOST_CHECK(*st.next_wakeup(0ms) == 5ms);
  auto late = st.take_due(10ms);
  BOOST_REQUIRE_EQUAL(late.requests.size(), 2u);
  BOOST_CHECK_EQUAL(late.requests[1].id, 3u);
  BOOST_CHECK(late.requests[1].deadline == 109ms);
  // Due at 9 ms, sent at 10 ms.
  BOOST_CHECK(late.requests[1].trace.at(0).enqueue == 9ms);
  BOOST_CHECK(late.requests[1].trace.at(0).finish == 10ms);
  BOOST_CHECK(!st.next_wakeup(10ms));
}

BOOST_AUTO_TEST_SUITE_END()
