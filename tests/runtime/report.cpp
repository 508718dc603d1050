// Reports computed from a run's outcomes: per-stage batches and utilisation.

#include <boost/test/unit_test.hpp>

#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

struct fixture {
  test::temp_dir dir;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(reports, fixture)

// A no-op replica answers at once, so its frontend forms the next batch at
// the same instant on the same replica: only a batch id tells them apart.
BOOST_AUTO_TEST_CASE(batches_formed_at_one_instant_are_counted_apart) {
  dir.write("gaps.deltas", test::constant_gaps(200, 0));
  auto sc = load_scenario(dir.write("s.toml", test::deltas_scenario(R"(
[[stages]]
name = "pass"
kind = "noop"
max_batch = 64
inputs = ["source"]
)")));
  auto run = run_scenario(sc, run_options{});
  auto summary = summarize(sc, run);
  BOOST_REQUIRE_EQUAL(summary.completed, 200u);
  const auto& sizes = summary.stages[0].batch_sizes;
  BOOST_CHECK_EQUAL(sizes.size(), 2u);
  BOOST_CHECK_EQUAL(sizes.count(64) ? sizes.at(64) : 0, 3u);
  BOOST_CHECK_EQUAL(sizes.count(8) ? sizes.at(8) : 0, 1u);
  // Each request knows its batch: ids 1 to 4 in order.
  for (const auto& rec : run.outcomes.records)
    BOOST_CHECK_EQUAL(rec.req.trace.back().batch_id, rec.req.id / 64 + 1);
}

BOOST_AUTO_TEST_SUITE_END()
