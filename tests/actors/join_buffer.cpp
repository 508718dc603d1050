#include <boost/test/unit_test.hpp>

#include "actors/join_buffer.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

request with_visit(uint64_t id, stage_id stage) {
  request r;
  r.id = id;
  r.trace.push_back(stage_visit{0, 0, 1, 0ms, 0ms, 1ms}); // shared prefix
  r.trace.push_back(stage_visit{stage, 0, 1, 1ms, 1ms, 2ms});
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(join_buffers)

BOOST_AUTO_TEST_CASE(one_input_passes_through) {
  join_buffer buf{1};
  auto out = buf.add(with_visit(1, 1), 5ms);
  BOOST_REQUIRE(out);
  BOOST_CHECK(out->first_seen == 5ms);
  BOOST_CHECK_EQUAL(buf.pending(), 0u);
}

BOOST_AUTO_TEST_CASE(two_inputs_wait_for_both_and_merge_traces) {
  join_buffer buf{2};
  BOOST_CHECK(!buf.add(with_visit(1, 1), 5ms));
  BOOST_CHECK(!buf.add(with_visit(2, 1), 6ms));
  BOOST_CHECK_EQUAL(buf.pending(), 2u);
  auto out = buf.add(with_visit(1, 2), 9ms);
  BOOST_REQUIRE(out);
  BOOST_CHECK_EQUAL(out->req.id, 1u);
  BOOST_CHECK(out->first_seen == 5ms);
  // Stage 0 appears once although both copies carried it.
  BOOST_REQUIRE_EQUAL(out->req.trace.size(), 3u);
  BOOST_CHECK_EQUAL(out->req.trace[0].stage, 0);
  BOOST_CHECK_EQUAL(out->req.trace[1].stage, 1);
  BOOST_CHECK_EQUAL(out->req.trace[2].stage, 2);
  BOOST_CHECK_EQUAL(buf.pending(), 1u);
}

// A skipped copy counts as a delivery; the served copy is the base, and a
// stage that served the skipped copy before its fork keeps its visit.
BOOST_AUTO_TEST_CASE(skipped_copies_count_and_keep_their_visits) {
  join_buffer buf{3};
  BOOST_CHECK(!buf.add(with_visit(1, 5), 1ms, true));
  auto served = with_visit(1, 2);
  served.result = output{{2}, {0.25f, 0.75f}, 1};
  BOOST_CHECK(!buf.add(std::move(served), 2ms));
  auto out = buf.add(with_visit(1, 6), 3ms, true);
  BOOST_REQUIRE(out);
  BOOST_CHECK(!out->skipped);
  BOOST_CHECK(out->first_seen == 1ms);
  BOOST_REQUIRE(out->req.result);
  BOOST_CHECK_EQUAL(out->req.result->label, 1);
  std::vector<stage_id> stages;
  for (const auto& v : out->req.trace)
    stages.push_back(v.stage);
  BOOST_CHECK((stages == std::vector<stage_id>{0, 2, 5, 6}));
  // Every copy skipped: the request comes out skipped.
  BOOST_CHECK(!buf.add(with_visit(2, 5), 4ms, true));
  BOOST_CHECK(!buf.add(with_visit(2, 6), 4ms, true));
  auto none = buf.add(with_visit(2, 7), 5ms, true);
  BOOST_REQUIRE(none);
  BOOST_CHECK(none->skipped);
}

BOOST_AUTO_TEST_SUITE_END()
