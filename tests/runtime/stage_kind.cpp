// The stage-kind registry: a kind registered from a test is read, validated,
// written back and run like the built-in ones.

#include <boost/test/unit_test.hpp>

#include "models/input_error.hpp"
#include "runtime/runner.hpp"
#include "tests/support/test_kinds.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

struct fixture {
  test::temp_dir dir;

  fixture() {
    test::register_crashing_kind();
    dir.write("gaps.deltas", test::constant_gaps(10, 1));
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(stage_kinds, fixture)

BOOST_AUTO_TEST_CASE(the_builtin_kinds_are_registered) {
  BOOST_CHECK_EQUAL(stage_kind_names().rfind("model, noop, join", 0), 0u);
  BOOST_CHECK(find_stage_kind("join") && !find_stage_kind("join")->replicated);
  BOOST_CHECK(!find_stage_kind("no such kind"));
  stage_kind twice;
  twice.name = "model";
  twice.replica = model_stage_kind().replica;
  BOOST_CHECK_THROW(register_stage_kind(twice), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_registered_kind_reads_its_own_keys_and_writes_them_back) {
  auto text = test::deltas_scenario(test::crashing_stage);
  auto sc = load_scenario(dir.write("s.toml", text));
  BOOST_REQUIRE_EQUAL(sc.stages.size(), 1u);
  BOOST_CHECK_EQUAL(sc.stages[0].kind, "crashing");
  BOOST_CHECK_EQUAL(sc.stages[0].settings.at("die_on_batch"), "3");
  write_scenario(sc, dir.path("back.toml"));
  auto back = load_scenario(dir.path("back.toml"));
  BOOST_CHECK_EQUAL(back.stages[0].kind, "crashing");
  BOOST_CHECK(back.stages[0].settings == sc.stages[0].settings);
  BOOST_CHECK_EQUAL(back.stages[0].replicas, sc.stages[0].replicas);
}

BOOST_AUTO_TEST_CASE(a_kind_validates_its_keys_with_file_line_and_key) {
  auto bad = std::string{test::crashing_stage};
  bad.replace(bad.find("die_on_batch = 3"), 16, "die_on_batch = -1");
  try {
    load_scenario(dir.write("s.toml", test::deltas_scenario(bad)));
    BOOST_FAIL("a negative die_on_batch was accepted");
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.field(), "stages.flaky.die_on_batch");
    BOOST_CHECK_GT(err.line(), 0u);
  }
  auto unknown = std::string{test::crashing_stage} + "model = \"fast\"\n";
  BOOST_CHECK_THROW(load_scenario(dir.write("u.toml",
                                            test::deltas_scenario(unknown))),
                    input_error);
  BOOST_CHECK_EXCEPTION(
    load_scenario(dir.write("k.toml", test::deltas_scenario(R"(
[[stages]]
name = "x"
kind = "nonesuch"
inputs = ["source"]
)"))),
    input_error, [](const input_error& err) {
      return std::string{err.what()}.find("known: model, noop, join")
             != std::string::npos;
    });
}

BOOST_AUTO_TEST_SUITE_END()
