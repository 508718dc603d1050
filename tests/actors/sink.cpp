#include <boost/test/unit_test.hpp>

#include "actors/sink.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

batch requests(std::vector<uint64_t> ids, stage_id from) {
  batch b;
  b.from = from;
  for (auto id : ids) {
    request r;
    r.id = id;
    b.requests.push_back(r);
  }
  return b;
}

struct fixture {
  sink_state st;

  explicit fixture(size_t leaves = 2) {
    sink_options options;
    options.leaves = leaves;
    st.init(options);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(sinks, fixture)

BOOST_AUTO_TEST_CASE(a_request_completes_when_every_leaf_finished_it) {
  st.on_leaf_results(requests({0, 1}, 3), 10ms);
  BOOST_CHECK_EQUAL(st.ended, 0u);
  st.on_leaf_results(requests({1}, 4), 12ms);
  BOOST_CHECK_EQUAL(st.ended, 1u);
  st.sent = 2;
  BOOST_CHECK(!st.done());
  st.on_leaf_results(requests({0}, 4), 15ms);
  BOOST_CHECK(st.done());
  auto out = st.take();
  BOOST_REQUIRE_EQUAL(out.records.size(), 2u);
  BOOST_CHECK_EQUAL(out.records[0].req.id, 0u);
  BOOST_CHECK(out.records[0].finish == 15ms);
  BOOST_CHECK(out.records[1].finish == 12ms);
  BOOST_CHECK(out.records[1].kind == outcome_kind::completed);
}

BOOST_AUTO_TEST_CASE(the_first_outcome_is_final) {
  st.on_drop(drop_notice{1, errc::queue_full, 3ms, requests({0}, 1).requests});
  // The other branch still delivers: orphaned work, not a second outcome.
  st.on_leaf_results(requests({0}, 3), 10ms);
  st.on_leaf_results(requests({0}, 4), 11ms);
  st.on_drop(drop_notice{2, errc::deadline_expired, 4ms,
                         requests({0}, 2).requests});
  st.sent = 1;
  BOOST_CHECK(st.done());
  auto out = st.take();
  BOOST_REQUIRE_EQUAL(out.records.size(), 1u);
  BOOST_CHECK(out.records[0].kind == outcome_kind::dropped);
  BOOST_CHECK(out.records[0].reason == errc::queue_full);
  BOOST_CHECK_EQUAL(out.records[0].stage, 1);
  BOOST_CHECK_EQUAL(out.orphaned_results, 3u);
}

BOOST_AUTO_TEST_CASE(failures_keep_their_error) {
  st.on_failure(failure_notice{2, make_error(errc::batch_too_large, "b=9"),
                               5ms, requests({0}, 2).requests});
  st.sent = 1;
  auto out = st.take();
  BOOST_REQUIRE_EQUAL(out.records.size(), 1u);
  BOOST_CHECK(out.records[0].kind == outcome_kind::failed);
  BOOST_CHECK(out.records[0].reason == errc::batch_too_large);
  BOOST_CHECK(!out.records[0].error.empty());
}

BOOST_AUTO_TEST_SUITE_END()
