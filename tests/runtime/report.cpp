// Reports computed from a run's outcomes: per-stage batches and utilisation.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <limits>

#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "tests/support/test_kinds.hpp"
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

namespace {

/// Three branches predicting (label + offset) mod 10, joined by `combine`.
std::string three_branches(int a, int b, int c, const char* combine) {
  std::string text;
  const char* names[] = {"a", "b", "c"};
  int offsets[] = {a, b, c};
  for (int i = 0; i < 3; ++i)
    text += std::string{"[[stages]]\nname = \""} + names[i]
            + "\"\nkind = \"labelling\"\noffset = "
            + std::to_string(offsets[i]) + "\ninputs = [\"source\"]\n";
  return text + "[[stages]]\nname = \"ensemble\"\nkind = \"join\"\ncombine = \""
         + combine + "\"\ninputs = [\"a\", \"b\", \"c\"]\n";
}

} // namespace

// Requests carry labelled inputs; the join combines the branches' outputs;
// the summary counts what came out right.
BOOST_AUTO_TEST_CASE(results_are_combined_and_accuracy_is_reported) {
  test::register_labelling_kind();
  dir.write("gaps.deltas", test::constant_gaps(20, 1));
  run_options opts;
  for (int32_t label = 0; label < 10; ++label)
    opts.inputs.push_back(payload{label * 7, label, {}});
  auto accuracy_of = [&](const std::string& stages) {
    auto sc = load_scenario(dir.write("s.toml", test::deltas_scenario(stages)));
    auto run = run_scenario(sc, opts);
    auto s = summarize(sc, run);
    BOOST_CHECK_EQUAL(s.completed, 20u);
    BOOST_CHECK_EQUAL(s.labelled, 20u);
    write_requests_csv(sc, run.outcomes, dir.path("requests.csv"));
    return double(s.right) / double(s.labelled);
  };
  // Two branches right, one wrong: both rules say right.
  BOOST_CHECK_EQUAL(accuracy_of(three_branches(0, 0, 1, "mean")), 1.0);
  BOOST_CHECK_EQUAL(accuracy_of(three_branches(0, 1, 0, "vote")), 1.0);
  // Two wrong (the same wrong class) and one right: both say wrong.
  BOOST_CHECK_EQUAL(accuracy_of(three_branches(3, 0, 3, "mean")), 0.0);
  BOOST_CHECK_EQUAL(accuracy_of(three_branches(3, 3, 0, "vote")), 0.0);
  // requests.csv names sample, label and prediction (the last run: request
  // 1 has sample 7, label 1, and two branches voted 4).
  auto csv = test::read_file(dir.path("requests.csv"));
  BOOST_CHECK(csv.find("reason,error,sample,label,prediction,")
              != std::string::npos);
  BOOST_CHECK(csv.find(",completed,,,,7,1,4,") != std::string::npos);
}

// Every output is written under a temporary name and renamed when complete:
// a full disk or a missing folder is an error naming the file, and a reader
// never sees half a file.
BOOST_AUTO_TEST_CASE(outputs_that_cannot_be_written_are_errors) {
  run_summary s;
  s.scenario = "x";
  auto expect_failure = [](const std::string& path, const std::string& why) {
    try {
      write_summary_json(run_summary{}, path);
      BOOST_FAIL("wrote " << path);
    } catch (const std::runtime_error& err) {
      std::string text = err.what();
      BOOST_CHECK_MESSAGE(text.find("cannot write " + path) != std::string::npos
                            && text.find(why) != std::string::npos,
                          text);
    }
  };
  BOOST_REQUIRE(std::filesystem::exists("/dev/full"));
  expect_failure("/dev/full", "No space left on device");
  expect_failure(dir.path("no/such/folder/summary.json"),
                 "No such file or directory");
  // A file written whole, and nothing left beside it.
  auto good = dir.path("summary.json");
  dir.write("summary.json", "an older run's summary");
  write_summary_json(s, good);
  BOOST_CHECK(test::read_file(good).find("\"scenario\": \"x\"")
              != std::string::npos);
  BOOST_CHECK(!std::filesystem::exists(good + ".partial"));
}

// Names with commas, quotes or line breaks stay one CSV field; JSON never
// holds inf or nan.
BOOST_AUTO_TEST_CASE(names_are_quoted_and_numbers_stay_json) {
  dir.write("gaps.deltas", test::constant_gaps(3, 1));
  auto sc = load_scenario(dir.write("s.toml", test::deltas_scenario(R"(
[[stages]]
name = "a,\"b\""
kind = "noop"
inputs = ["source"]
)")));
  auto run = run_scenario(sc, run_options{});
  write_requests_csv(sc, run.outcomes, dir.path("requests.csv"));
  auto csv = test::read_file(dir.path("requests.csv"));
  auto header = csv.substr(0, csv.find('\n'));
  BOOST_CHECK_MESSAGE(header.find(",\"a,\"\"b\"\".enqueue_ms\",") != std::string::npos,
                      header);
  auto summary = summarize(sc, run);
  summary.throughput_qps = std::numeric_limits<double>::infinity();
  summary.latency_ms.p99 = std::numeric_limits<double>::quiet_NaN();
  write_summary_json(summary, dir.path("summary.json"));
  auto json = test::read_file(dir.path("summary.json"));
  BOOST_CHECK(json.find("\"throughput_qps\": null") != std::string::npos);
  BOOST_CHECK(json.find("\"p99\": null") != std::string::npos);
  BOOST_CHECK(json.find("inf") == std::string::npos);
  BOOST_CHECK(json.find("nan") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_p99_of_all_sent_is_reported_beside_the_p99) {
  run_summary s;
  s.scenario = "x";
  s.sent = 1000;
  s.completed = 995;
  s.dropped = 5;
  s.p99_all_ms = 250;
  auto text = render_summary(s);
  BOOST_CHECK_MESSAGE(text.find("p99 of all sent (drops and failures as "
                                "infinitely late) 250.0 ms")
                        != std::string::npos,
                      text);
  write_summary_json(s, dir.path("summary.json"));
  BOOST_CHECK(test::read_file(dir.path("summary.json"))
                .find("\"p99_all\": 250.000000") != std::string::npos);
  s.completed = 980;
  s.dropped = 20;
  s.p99_all_ms = std::numeric_limits<double>::infinity();
  BOOST_CHECK(render_summary(s).find("none (2.00% did not complete")
              != std::string::npos);
  write_summary_json(s, dir.path("summary.json"));
  BOOST_CHECK(test::read_file(dir.path("summary.json"))
                .find("\"p99_all\": null") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_output_folder_holds_one_runs_outputs) {
  auto folder = dir.path("out");
  dir.write("out/scaling.csv", "from an earlier scaled run");
  dir.write("out/scaling.png", "");
  dir.write("out/notes.txt", "the user's own");
  prepare_output_folder(folder);
  BOOST_CHECK(!std::filesystem::exists(folder + "/scaling.csv"));
  BOOST_CHECK(!std::filesystem::exists(folder + "/scaling.png"));
  BOOST_CHECK(std::filesystem::exists(folder + "/notes.txt"));
  // Not a folder: refused before any run.
  BOOST_CHECK_THROW(prepare_output_folder("/dev/full/out"), std::exception);
  BOOST_CHECK_THROW(prepare_output_folder(dir.path("out/notes.txt")),
                    std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
