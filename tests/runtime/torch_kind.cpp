// The torch stage kind: replicas that run repository models serve the same
// predictions as the models' direct forward passes, in both clocks; bad
// payloads fail alone; ensembles combine; bad scenarios are refused.

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/cluster_keeper.hpp"
#include "actors/core_lender.hpp"
#include "actors/core_pinning.hpp"
#include "actors/replica.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "models/torch/batch_classifier.hpp"
#include "policies/combining/combine.hpp"
#include "runtime/handoff_probe.hpp"
#include "runtime/model_profiler.hpp"
#include "runtime/planning.hpp"
#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "runtime/system_config.hpp"
#include "runtime/thread_plan.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tiny_zoo.hpp"

using namespace troupe;

namespace {

/// Profiles for logreg and mlp, so that virtual time can serve them.
const char* tiny_profiles = R"(
[[models]]
name = "logreg"
  [[models.profiles]]
  hardware = "cpu"
  cost = 1
  rows = [[1, 0.2, 5000.0], [8, 0.5, 16000.0], [16, 0.8, 20000.0]]
[[models]]
name = "mlp"
  [[models.profiles]]
  hardware = "cpu"
  cost = 1
  rows = [[1, 0.3, 3000.0], [8, 0.9, 9000.0], [16, 1.5, 11000.0]]
)";

/// 60 Poisson arrivals at 2000 q/s over the first 60 test images, into
/// `stage` (a [[stages]] table named "m").
std::string serving_scenario(const std::string& stage,
                             const std::string& extra = "") {
  return "name = \"serving\"\nslo_ms = 1000\nseed = 3\nrepository = \""
         + test::tiny_zoo::repository()
         + "\"\n[workload]\nkind = \"poisson\"\nrate_qps = 2000\ncount = 60\n"
           "[inputs]\nimages = 60\n"
         + extra + tiny_profiles + stage;
}

/// `scenario_text` serving from `repository` in place of the tiny zoo.
std::string from_repository(std::string scenario_text,
                            const std::string& repository) {
  auto at = scenario_text.find(test::tiny_zoo::repository());
  BOOST_REQUIRE(at != std::string::npos);
  return scenario_text.replace(at, test::tiny_zoo::repository().size(),
                               repository);
}

/// A copy of the tiny zoo's `models` in `dir`'s `folder`, each model's
/// config.toml as `edit` (given the model's name) changes it; returns the
/// copy's path.
std::string edited_zoo(
  const test::temp_dir& dir, const std::string& folder,
  const std::vector<std::string>& models,
  const std::function<void(const std::string&, std::string&)>& edit) {
  for (const auto& name : models) {
    auto from = test::tiny_zoo::repository() + "/" + name;
    auto config = test::read_file(from + "/config.toml");
    edit(name, config);
    dir.write(folder + "/" + name + "/config.toml", config);
    std::filesystem::copy_file(from + "/model.pt",
                               dir.path(folder + "/" + name + "/model.pt"));
  }
  return dir.path(folder);
}

/// Replaces the first `what` in `text` (which must hold it) by `with`.
void replace_in(std::string& text, const std::string& what,
                const std::string& with) {
  auto at = text.find(what);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no '" << what << "'");
  text.replace(at, what.size(), with);
}

const char* logreg_stage = R"(
[[stages]]
name = "m"
kind = "torch"
model = "logreg"
hardware = "cpu"
replicas = 2
max_batch = 16
inputs = ["source"]
)";

const image_set& first_test_images() {
  static const image_set set
    = load_fashion_mnist(default_fashion_mnist_dir, data_split::test).first(60);
  return set;
}

scenario load_text(const test::temp_dir& dir, const std::string& text) {
  return load_scenario(dir.write("s.toml", text));
}

/// Every completed request's result against `expected[sample]`.
void check_results(const run_result& run, const std::vector<output>& expected) {
  size_t checked = 0;
  for (const auto& rec : run.outcomes.records) {
    BOOST_REQUIRE(rec.kind == outcome_kind::completed);
    BOOST_REQUIRE(rec.req.result);
    auto sample = size_t(rec.req.input.sample);
    const auto& want = expected.at(sample);
    const auto& got = *rec.req.result;
    BOOST_CHECK_EQUAL(got.label, want.label);
    BOOST_REQUIRE_EQUAL(got.values.size(), want.values.size());
    for (size_t c = 0; c < got.values.size(); ++c)
      BOOST_CHECK_SMALL(got.values[c] - want.values[c], 1e-5f);
    ++checked;
  }
  BOOST_CHECK_EQUAL(checked, 60u);
}

void expect_error(const test::temp_dir& dir, const std::string& text,
                  const std::string& field, const std::string& what) {
  try {
    load_text(dir, text);
    BOOST_FAIL("loaded a scenario that should fail at " << field);
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.field(), field);
    BOOST_CHECK_MESSAGE(std::string{err.what()}.find(what) != std::string::npos,
                        err.what());
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(torch_stages)

BOOST_AUTO_TEST_CASE(served_predictions_equal_the_direct_forward_in_virtual_time) {
  test::temp_dir dir;
  auto sc = load_text(dir, serving_scenario(logreg_stage));
  auto expected = evaluate_model(test::tiny_zoo::model_file("logreg"),
                                 first_test_images());
  auto run = run_scenario(sc, {});
  check_results(run, expected);
  // Virtual time: the stage computed for its profiled service time.
  for (const auto& rec : run.outcomes.records) {
    const auto& visit = rec.req.trace.back();
    BOOST_CHECK(visit.compute
                == sc.stages[0].service->service_time(visit.batch_size));
    BOOST_CHECK(visit.finish - visit.dequeue == visit.compute);
  }
  auto summary = summarize(sc, run);
  BOOST_CHECK_EQUAL(summary.labelled, 60u);
  BOOST_CHECK_EQUAL(double(summary.right) / 60.0,
                    accuracy(expected, first_test_images()));
  // Virtual time is deterministic: the same latencies again.
  auto again = run_scenario(sc, {});
  for (size_t i = 0; i < run.outcomes.records.size(); ++i)
    BOOST_CHECK(run.outcomes.records[i].finish
                == again.outcomes.records[i].finish);
}

BOOST_AUTO_TEST_CASE(served_predictions_equal_the_direct_forward_in_real_time) {
  test::temp_dir dir;
  auto sc = load_text(dir, serving_scenario(logreg_stage));
  auto expected = evaluate_model(test::tiny_zoo::model_file("logreg"),
                                 first_test_images());
  run_options options;
  options.clock = clock_kind::real_time;
  auto run = run_scenario(sc, options);
  check_results(run, expected);
  // Real time: the forward pass as measured, within the replica's time.
  for (const auto& rec : run.outcomes.records) {
    const auto& visit = rec.req.trace.back();
    BOOST_CHECK(visit.compute > caf::timespan{0});
    BOOST_CHECK(visit.compute <= visit.finish - visit.dequeue);
  }
}

BOOST_AUTO_TEST_CASE(a_burst_in_real_time_gets_batches_sent_ahead) {
  // Every request at time zero, one replica: the frontend sends the second
  // batch while the first runs, and the replica starts it from its mailbox.
  test::temp_dir dir;
  auto stage = std::string{logreg_stage};
  stage.replace(stage.find("replicas = 2"), 12, "replicas = 1");
  auto sc = load_text(dir, serving_scenario(stage));
  auto expected = evaluate_model(test::tiny_zoo::model_file("logreg"),
                                 first_test_images());
  run_options options;
  options.clock = clock_kind::real_time;
  options.arrivals = std::make_shared<const arrival_times>(
    arrival_times(60, caf::timespan{0}));
  auto run = run_scenario(sc, options);
  check_results(run, expected);
  std::map<uint32_t, stage_visit> batches;
  for (const auto& rec : run.outcomes.records) {
    const auto& visit = rec.req.trace.back();
    batches[visit.batch_id] = visit;
    // The wait behind the first batch is queue wait: the replica's own time
    // still holds the forward pass.
    BOOST_CHECK(visit.compute <= visit.finish - visit.dequeue);
  }
  // Sent ahead: a batch that left the queue exactly when the one before it
  // finished (restamped by the replica; a batch dispatched after the
  // replica said idle leaves later). The second always is, unless the
  // frontend's thread stalled between its two sends longer than a forward
  // pass; the later ones race with the replica.
  size_t ahead = 0;
  for (uint32_t id = 2; batches.count(id) == 1; ++id)
    ahead += batches[id].dequeue == batches[id - 1].finish ? 1 : 0;
  BOOST_CHECK_GE(ahead, 1u);
}

BOOST_AUTO_TEST_CASE(an_ensemble_combines_its_models) {
  test::temp_dir dir;
  auto logreg = evaluate_model(test::tiny_zoo::model_file("logreg"),
                               first_test_images());
  auto mlp = evaluate_model(test::tiny_zoo::model_file("mlp"),
                            first_test_images());
  for (auto how : {combine_kind::mean, combine_kind::vote}) {
    auto stage = std::string{R"(
[[stages]]
name = "m"
kind = "torch"
models = ["logreg", "mlp"]
combine = ")"} + to_string(how) + R"("
hardware = "cpu"
max_batch = 8
inputs = ["source"]
)";
    auto sc = load_text(dir, serving_scenario(stage));
    // One replica runs both: its profile is the sum of theirs.
    BOOST_REQUIRE(sc.stages[0].service);
    BOOST_CHECK_CLOSE(to_ms(sc.stages[0].service->service_time(8)),
                      1000.0 * 8 / 16000 + 1000.0 * 8 / 9000, 1e-4);
    std::vector<output> expected;
    for (size_t i = 0; i < logreg.size(); ++i)
      expected.push_back(combine({logreg[i], mlp[i]}, how));
    check_results(run_scenario(sc, {}), expected);
  }
}

// A planner sizes an ensemble on its summed profile, on the hardware where
// every member has one; the planned scenario serves with that profile.
BOOST_AUTO_TEST_CASE(planners_size_an_ensemble_on_its_summed_profile) {
  test::temp_dir dir;
  auto text = serving_scenario(R"(
[[stages]]
name = "m"
kind = "torch"
models = ["logreg", "mlp"]
hardware = "cpu"
max_batch = 8
inputs = ["source"]
)");
  // logreg gets a second profile, on "fast" hardware.
  auto mlp_at = text.find("[[models]]\nname = \"mlp\"");
  BOOST_REQUIRE(mlp_at != std::string::npos);
  text.insert(mlp_at, "  [[models.profiles]]\n  hardware = \"fast\"\n  cost = 3\n"
                      "  rows = [[1, 0.1, 10000.0], [8, 0.2, 40000.0]]\n");
  auto sc = load_text(dir, text);
  auto arrivals = arrival_times(60, caf::timespan{0});
  auto pb = planning_problem_for(sc, arrivals, 1000, 3);
  // Only mlp lacks "fast": the ensemble can run on "cpu" alone.
  BOOST_REQUIRE_EQUAL(pb.stages.size(), 1u);
  BOOST_REQUIRE_EQUAL(pb.stages[0].hardware.size(), 1u);
  BOOST_CHECK_EQUAL(pb.stages[0].hardware[0]->hardware, "cpu");
  BOOST_CHECK_CLOSE(pb.stages[0].hardware[0]->throughput_qps(1),
                    1.0 / (1.0 / 5000 + 1.0 / 3000), 1e-6);
  auto planned = with_plan(sc, {stage_choice{"cpu", 16, 2}});
  BOOST_REQUIRE(planned.stages[0].service);
  BOOST_CHECK_EQUAL(planned.stages[0].replicas, 2u);
  BOOST_CHECK_CLOSE(to_ms(planned.stages[0].service->service_time(16)),
                    1000.0 * 16 / 20000 + 1000.0 * 16 / 11000, 1e-4);
  auto summary = summarize(planned, run_scenario(planned, {}));
  BOOST_CHECK_EQUAL(summary.completed, summary.sent);
}

BOOST_AUTO_TEST_CASE(a_warmed_up_ensemble_predicts_as_before) {
  // Warm-up runs each model at every batch size up to the largest; the
  // served predictions stay those of the direct forward.
  auto data = std::make_shared<const image_set>(first_test_images());
  batch_classifier classifier{{test::tiny_zoo::model_file("logreg"),
                               test::tiny_zoo::model_file("mlp")},
                              {1, 28, 28},
                              data};
  classifier.warm_up(5);
  std::vector<payload> payloads(7);
  std::vector<const payload*> inputs;
  for (size_t i = 0; i < payloads.size(); ++i) {
    payloads[i].sample = int64_t(i);
    inputs.push_back(&payloads[i]);
  }
  auto logreg = evaluate_model(test::tiny_zoo::model_file("logreg"),
                               first_test_images());
  auto classified = classifier.classify(inputs);
  BOOST_REQUIRE_EQUAL(classified.outputs.size(), 2u);
  for (size_t i = 0; i < payloads.size(); ++i)
    BOOST_CHECK_EQUAL(classified.outputs[0][i].label, logreg[i].label);
}

BOOST_AUTO_TEST_CASE(a_padded_batch_runs_at_its_padded_size) {
  // Rafiki's frontend pads a batch to the size it chose; the forward runs
  // that many rows (what the profile charges in virtual time), and the
  // inputs' predictions do not change.
  auto data = std::make_shared<const image_set>(first_test_images());
  batch_classifier classifier{{test::tiny_zoo::model_file("logreg")},
                              {1, 28, 28},
                              data};
  std::vector<payload> payloads(3);
  std::vector<const payload*> inputs;
  for (size_t i = 0; i < payloads.size(); ++i) {
    payloads[i].sample = int64_t(i);
    inputs.push_back(&payloads[i]);
  }
  auto plain = classifier.classify(inputs);
  auto padded = classifier.classify(inputs, 8);
  BOOST_CHECK_EQUAL(plain.rows, 3u);
  BOOST_CHECK_EQUAL(padded.rows, 8u);
  BOOST_CHECK_EQUAL(classifier.classify(inputs, 2).rows, 3u);
  BOOST_REQUIRE_EQUAL(padded.outputs[0].size(), 3u);
  // The same up to rounding: another batch size may take another kernel.
  for (size_t i = 0; i < payloads.size(); ++i) {
    BOOST_CHECK_EQUAL(padded.outputs[0][i].label, plain.outputs[0][i].label);
    for (size_t c = 0; c < plain.outputs[0][i].values.size(); ++c)
      BOOST_CHECK_SMALL(padded.outputs[0][i].values[c]
                          - plain.outputs[0][i].values[c],
                        1e-5f);
  }
}

// Six requests in one batch, four of them bad: each bad one fails with its
// own reason, and the batch's good ones are served, in both clocks.
BOOST_AUTO_TEST_CASE(bad_payloads_fail_alone) {
  test::temp_dir dir;
  auto stage = std::string{logreg_stage};
  stage.replace(stage.find("replicas = 2"), 12, "replicas = 1");
  auto sc = load_text(dir, serving_scenario(stage));
  auto image = first_test_images().scaled(0);
  auto inline_tensor = [](std::vector<int64_t> shape, std::vector<float> v) {
    payload p;
    p.data = tensor{std::move(shape), std::move(v)};
    return p;
  };
  auto with_nan = image;
  with_nan[100] = std::numeric_limits<float>::quiet_NaN();
  payload beyond;
  beyond.sample = 10'000'000;
  run_options options;
  options.count = 6;
  options.arrivals = std::make_shared<const arrival_times>(
    arrival_times(6, caf::timespan{0}));
  options.inputs = {inline_tensor({1, 28, 28}, image),
                    inline_tensor({1, 28, 28}, with_nan),
                    inline_tensor({28, 28}, image),
                    beyond,
                    inline_tensor({1, 28, 28}, {0.5f, 0.5f}),
                    inline_tensor({1, 1, 28, 28}, image)};
  std::vector<std::string> errors{
    "", "tensor value 100 is not finite",
    "tensor of shape [28, 28]; the model takes [1, 28, 28]",
    "data-set index 10000000 beyond the 10000 images",
    "tensor of 2 values for shape [1, 28, 28]", ""};
  auto expected = evaluate_model(test::tiny_zoo::model_file("logreg"),
                                 first_test_images().first(1));
  for (auto clock : {clock_kind::virtual_time, clock_kind::real_time}) {
    options.clock = clock;
    auto run = run_scenario(sc, options);
    auto summary = summarize(sc, run);
    BOOST_CHECK_EQUAL(summary.sent, 6u);
    BOOST_CHECK_EQUAL(summary.completed, 2u);
    BOOST_CHECK_EQUAL(summary.failed, 4u);
    BOOST_CHECK_EQUAL(summary.fail_reasons["invalid_payload"], 4u);
    for (const auto& rec : run.outcomes.records) {
      BOOST_TEST_CONTEXT("request " << rec.req.id << ", " << to_string(clock)) {
        // All six were served in the one batch.
        BOOST_REQUIRE(!rec.req.trace.empty());
        BOOST_CHECK_EQUAL(rec.req.trace.back().batch_size, 6u);
        const auto& error = errors.at(rec.req.id);
        if (error.empty()) {
          BOOST_REQUIRE(rec.kind == outcome_kind::completed);
          BOOST_REQUIRE(rec.req.result);
          BOOST_CHECK_EQUAL(rec.req.result->label, expected[0].label);
        } else {
          BOOST_CHECK(rec.kind == outcome_kind::failed);
          BOOST_CHECK(rec.reason == errc::invalid_payload);
          BOOST_CHECK_MESSAGE(rec.error.find(error) != std::string::npos,
                              rec.error);
        }
      }
    }
    // requests.csv says why each failed.
    write_requests_csv(sc, run.outcomes, dir.path("requests.csv"));
    auto csv = test::read_file(dir.path("requests.csv"));
    BOOST_CHECK(csv.find(",reason,error,") != std::string::npos);
    BOOST_CHECK(csv.find("tensor of 2 values for shape [1, 28, 28]")
                != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(bad_torch_stages_are_refused) {
  test::temp_dir dir;
  auto with = [](const std::string& from, const std::string& to) {
    auto text = std::string{logreg_stage};
    return serving_scenario(text.replace(text.find(from), from.size(), to));
  };
  expect_error(dir, with("model = \"logreg\"", "model = \"resnet\""),
               "stages.m.model", "no model 'resnet' (the repository has: "
                                 "logreg, mlp)");
  expect_error(dir, with("model = \"logreg\"",
                         "model = \"logreg\"\nmodels = [\"mlp\"]"),
               "stages.m.models", "not both");
  expect_error(dir, with("model = \"logreg\"", "models = [\"mlp\", \"mlp\"]"),
               "stages.m.models", "listed twice");
  expect_error(dir, with("hardware = \"cpu\"", "hardware = \"gpu\""),
               "stages.m.hardware", "no [[models]] profile of 'logreg' on "
                                    "'gpu'");
  auto unprofiled = with("hardware = \"cpu\"\nreplicas = 2\nmax_batch = 16",
                         "max_batch = 512");
  expect_error(dir, unprofiled, "stages.m.max_batch",
               "beyond model 'logreg''s max_batch 256");
  expect_error(dir, with("model = \"logreg\"",
                         "model = \"logreg\"\ncombine = \"median\""),
               "stages.m.combine", "unknown combining rule");
  expect_error(dir, serving_scenario(logreg_stage, "order = \"random\"\n"),
               "inputs.order", "unknown order 'random'");
  // Requests without images: every one would fail.
  auto no_inputs = serving_scenario(logreg_stage);
  no_inputs.replace(no_inputs.find("[inputs]\nimages = 60\n"), 21, "");
  expect_error(dir, no_inputs, "stages.m.kind",
               "a torch stage classifies the images that requests carry");
  // A model whose input is not a 28 x 28 image.
  auto wide = edited_zoo(dir, "wide", {"logreg"},
                         [](const std::string&, std::string& config) {
                           replace_in(config, "input_shape = [1, 28, 28]",
                                      "input_shape = [3, 32, 32]");
                         });
  expect_error(dir, from_repository(serving_scenario(logreg_stage), wide),
               "stages.m.model",
               "model 'logreg' takes inputs of shape [3, 32, 32] (3072 "
               "values); the [inputs] images have 784 (28 x 28)");
  // Without a profile a torch stage serves in real time only.
  auto sc = load_text(dir, with("hardware = \"cpu\"\n", ""));
  BOOST_CHECK(!sc.stages[0].service);
  BOOST_CHECK_THROW(run_scenario(sc, {}), input_error);
}

BOOST_AUTO_TEST_CASE(a_serving_scenario_writes_back_as_it_was_read) {
  test::temp_dir dir;
  auto stage = R"(
[[stages]]
name = "m"
kind = "torch"
models = ["mlp", "logreg"]
combine = "vote"
hardware = "cpu"
max_batch = 8
batching = "delay"
max_queue_delay_ms = 2.5
inputs = ["source"]
)";
  auto sc = load_text(dir, serving_scenario(stage, "order = \"shuffled\"\n"));
  std::filesystem::create_directories(dir.path("elsewhere"));
  write_scenario(sc, dir.path("elsewhere/back.toml"));
  auto back = load_scenario(dir.path("elsewhere/back.toml"));
  BOOST_CHECK_EQUAL(std::filesystem::canonical(back.repository),
                    std::filesystem::canonical(sc.repository));
  BOOST_REQUIRE(back.inputs);
  BOOST_CHECK_EQUAL(back.inputs->order, "shuffled");
  BOOST_CHECK_EQUAL(back.inputs->images, 60u);
  BOOST_CHECK(back.stages[0].settings == sc.stages[0].settings);
  BOOST_CHECK_EQUAL(back.stages[0].hardware, "cpu");
  BOOST_REQUIRE(back.stages[0].service);
  BOOST_CHECK(*back.stages[0].service == *sc.stages[0].service);
  BOOST_CHECK(back.stages[0].batching == batching_kind::delay);
  BOOST_CHECK(back.stages[0].max_queue_delay == std::chrono::microseconds(2500));
}

// Mean of probabilities or a vote only make sense class by class.
BOOST_AUTO_TEST_CASE(an_ensemble_of_models_with_other_labels_is_refused) {
  test::temp_dir dir;
  auto other = edited_zoo(dir, "other", {"logreg", "mlp"},
                          [](const std::string& name, std::string& config) {
                            // Two labels swapped.
                            if (name == "mlp")
                              replace_in(config, "'T-shirt/top', 'Trouser'",
                                         "'Trouser', 'T-shirt/top'");
                          });
  auto text = from_repository(serving_scenario(R"(
[[stages]]
name = "m"
kind = "torch"
models = ["logreg", "mlp"]
inputs = ["source"]
)"),
                              other);
  expect_error(dir, text, "stages.m.models",
               "the models of an ensemble name the same labels in the same "
               "order ('mlp' differs from 'logreg')");
}

// A config.toml naming 9 labels for a model that scores 10 classes: in
// virtual time each batch fails with model_error, saying so; in real time
// the replica's warm-up finds it and the run ends with that error.
BOOST_AUTO_TEST_CASE(a_model_scoring_other_classes_than_its_labels_fails) {
  test::temp_dir dir;
  auto nine = edited_zoo(dir, "nine", {"logreg"},
                         [](const std::string&, std::string& config) {
                           replace_in(config, ", 'Ankle boot'", "");
                         });
  auto sc = load_text(dir, from_repository(serving_scenario(logreg_stage),
                                           nine));
  const std::string why = "forward returned 10 class scores per input; its "
                          "config.toml names 9 labels";
  auto run = run_scenario(sc, {});
  auto summary = summarize(sc, run);
  BOOST_CHECK_EQUAL(summary.failed, summary.sent);
  BOOST_CHECK_EQUAL(summary.fail_reasons["model_error"], summary.sent);
  BOOST_REQUIRE(!run.outcomes.records.empty());
  BOOST_CHECK_MESSAGE(run.outcomes.records[0].error.find(why)
                        != std::string::npos,
                      run.outcomes.records[0].error);
  run_options real;
  real.clock = clock_kind::real_time;
  try {
    auto ended = run_scenario(sc, real);
    BOOST_CHECK_MESSAGE(ended.interruption.find(why) != std::string::npos,
                        ended.interruption);
  } catch (const std::exception& err) {
    BOOST_CHECK_MESSAGE(std::string{err.what()}.find(why) != std::string::npos,
                        err.what());
  }
}

BOOST_AUTO_TEST_CASE(a_model_that_cannot_load_ends_the_run_with_an_error) {
  test::temp_dir dir;
  // A repository whose model.pt is not a TorchScript module.
  auto config = test::read_file(test::tiny_zoo::repository()
                                + "/logreg/config.toml");
  dir.write("broken/logreg/config.toml", config);
  dir.write("broken/logreg/model.pt", "not a module");
  auto sc = load_text(dir, from_repository(serving_scenario(logreg_stage),
                                           dir.path("broken")));
  for (auto clock : {clock_kind::virtual_time, clock_kind::real_time}) {
    run_options options;
    options.clock = clock;
    options.ready_timeout = std::chrono::seconds(30);
    try {
      auto run = run_scenario(sc, options);
      auto summary = summarize(sc, run);
      BOOST_CHECK(!run.interruption.empty());
      BOOST_CHECK_EQUAL(summary.completed + summary.dropped + summary.failed,
                        summary.sent);
    } catch (const std::exception& err) {
      BOOST_CHECK_MESSAGE(std::string{err.what()}.find("model.pt")
                            != std::string::npos,
                          err.what());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// -- the thread plan and the profiler -----------------------------------------

BOOST_AUTO_TEST_SUITE(model_threads_and_profiles)

BOOST_AUTO_TEST_CASE(torch_replicas_and_actors_share_the_threads) {
  test::temp_dir dir;
  auto one = load_text(dir, serving_scenario(logreg_stage));
  // logreg_stage has 2 replicas.
  auto on_two = plan_threads(one, clock_kind::real_time, 2);
  BOOST_CHECK_EQUAL(on_two.torch_threads, 1);
  BOOST_CHECK_EQUAL(on_two.actor_threads, 1u);
  // Two replica threads and the scheduler's on two cores: said.
  BOOST_CHECK(on_two.oversubscribed);
  BOOST_CHECK(!plan_threads(one, clock_kind::real_time, 3).oversubscribed);
  auto on_nine = plan_threads(one, clock_kind::real_time, 9);
  BOOST_CHECK_EQUAL(on_nine.torch_threads, 4);
  BOOST_CHECK_EQUAL(on_nine.actor_threads, 1u);
  BOOST_CHECK(!on_nine.oversubscribed);
  // The threads it was given; 0 is one per core.
  BOOST_CHECK_EQUAL(on_nine.threads, 9u);
  BOOST_CHECK_EQUAL(plan_threads(one, clock_kind::real_time, 0).threads,
                    usable_cores());
  // One per core the process may use, not per core the machine has.
  BOOST_CHECK_EQUAL(
    plan_threads(one, clock_kind::real_time, 0, {3, 5, 7}).threads, 3u);
  auto on_sixteen = plan_threads(one, clock_kind::real_time, 16);
  BOOST_CHECK_EQUAL(on_sixteen.torch_threads, 7);
  BOOST_CHECK_EQUAL(on_sixteen.actor_threads, 2u);
  // Virtual time: one LibTorch thread, whatever the machine.
  BOOST_CHECK_EQUAL(plan_threads(one, clock_kind::virtual_time, 16)
                      .torch_threads,
                    1);
  // Without torch stages the scheduler gets every thread.
  auto plain = load_text(dir, R"(name = "plain"
slo_ms = 10
[workload]
kind = "poisson"
rate_qps = 10
count = 1
[[stages]]
name = "n"
kind = "noop"
inputs = ["source"]
)");
  BOOST_CHECK_EQUAL(plan_threads(plain, clock_kind::real_time, 16)
                      .actor_threads,
                    16u);
  BOOST_CHECK(!plan_threads(plain, clock_kind::real_time, 16).cores);
}

BOOST_AUTO_TEST_CASE(the_scheduler_and_the_replicas_keep_to_cores_of_their_own) {
  // The first core the process may use for the actors, the rest for the
  // replicas; nothing to split on one core.
  auto split = split_cores({2, 5, 7});
  BOOST_REQUIRE(split);
  BOOST_CHECK(split->actor_cores == std::vector<int>{2});
  BOOST_CHECK((split->replica_cores == std::vector<int>{5, 7}));
  BOOST_CHECK(!split_cores({3}));
  BOOST_CHECK(!split_cores({}));
  // More actor cores where asked, as long as one is left to the replicas.
  auto two_for_actors = split_cores({2, 5, 7, 9}, 2);
  BOOST_REQUIRE(two_for_actors);
  BOOST_CHECK((two_for_actors->actor_cores == std::vector<int>{2, 5}));
  BOOST_CHECK((two_for_actors->replica_cores == std::vector<int>{7, 9}));
  BOOST_CHECK(!split_cores({2, 5}, 2));
  BOOST_CHECK(split_cores({2, 5}, 0)->actor_cores == std::vector<int>{2});
  test::temp_dir dir;
  auto two_replicas = load_text(dir, serving_scenario(logreg_stage));
  std::string one_replica_stage = logreg_stage;
  one_replica_stage.replace(one_replica_stage.find("replicas = 2"), 12,
                            "replicas = 1");
  auto torch = load_text(dir, serving_scenario(one_replica_stage));
  auto allowed = cores_of_this_thread();
  BOOST_REQUIRE(!allowed.empty());
  // The plan splits the first `threads` cores, in real time only.
  auto on_two = plan_threads(torch, clock_kind::real_time, 2);
  BOOST_CHECK_EQUAL(bool(on_two.cores), allowed.size() >= 2);
  if (on_two.cores) {
    BOOST_CHECK(on_two.cores->actor_cores == std::vector<int>{allowed[0]});
    BOOST_CHECK(on_two.cores->replica_cores == std::vector<int>{allowed[1]});
  }
  BOOST_CHECK(!plan_threads(torch, clock_kind::real_time, 1).cores);
  BOOST_CHECK(!plan_threads(torch, clock_kind::virtual_time, 2).cores);
  // Two replicas on two cores take turns on both.
  BOOST_CHECK(!plan_threads(two_replicas, clock_kind::real_time, 2).cores);
  BOOST_CHECK_EQUAL(bool(plan_threads(two_replicas, clock_kind::real_time, 3)
                           .cores),
                    allowed.size() >= 3);
  // On 8 cores, two replicas get 3 LibTorch threads each, on cores of
  // their own; the actors the 2 cores left.
  std::vector<int> eight{0, 1, 2, 3, 4, 5, 6, 7};
  auto on_eight = plan_threads(two_replicas, clock_kind::real_time, 8, eight);
  BOOST_CHECK_EQUAL(on_eight.torch_threads, 3);
  BOOST_CHECK_EQUAL(on_eight.actor_threads, 2u);
  BOOST_REQUIRE(on_eight.cores);
  BOOST_CHECK((on_eight.cores->actor_cores == std::vector<int>{0, 1}));
  BOOST_CHECK((on_eight.cores->replica_cores
               == std::vector<int>{2, 3, 4, 5, 6, 7}));
  // Fewer cores allowed than threads asked: the replicas' threads first.
  auto on_four_of_eight
    = plan_threads(two_replicas, clock_kind::real_time, 8, {0, 1, 2, 3});
  BOOST_CHECK(!on_four_of_eight.cores);
  auto on_seven = plan_threads(two_replicas, clock_kind::real_time, 8,
                               {0, 1, 2, 3, 4, 5, 6});
  BOOST_REQUIRE(on_seven.cores);
  BOOST_CHECK((on_seven.cores->actor_cores == std::vector<int>{0}));
}

BOOST_AUTO_TEST_CASE(a_node_lends_its_replica_cores_while_replicas_fit) {
  core_lender lender{{3, 4}};
  BOOST_CHECK((lender.lend() == std::vector<int>{3, 4}));
  BOOST_CHECK((lender.lend() == std::vector<int>{3, 4}));
  // A third replica on two cores runs wherever Linux puts it.
  BOOST_CHECK(lender.lend().empty());
  BOOST_CHECK_EQUAL(lender.lent(), 2u);
  lender.give_back();
  BOOST_CHECK((lender.lend() == std::vector<int>{3, 4}));
  // Torch replicas spawned by name, as a coordinator spawns them on a
  // node, take the cores while they live; other replicas take none.
  auto shared = std::make_shared<core_lender>(
    std::vector<int>{cores_of_this_thread().back()});
  {
    system_config cfg{clock_kind::real_time, 1};
    add_remote_actor_types(cfg, shared);
    caf::actor_system sys{cfg};
    replica_options torch;
    inference_spec inference;
    inference.model_files = {test::tiny_zoo::model_file("logreg")};
    inference.input_shape = {1, 28, 28};
    inference.classes = 10;
    inference.measured = true;
    torch.inference = {inference};
    auto spawn = [&](const replica_options& options) {
      auto spawned = sys.spawn<caf::actor>(replica_type_name(true),
                                           caf::make_message(options),
                                           nullptr, false);
      BOOST_REQUIRE(spawned);
      return *spawned;
    };
    auto first = spawn(torch);
    BOOST_CHECK_EQUAL(shared->lent(), 1u);
    auto second = spawn(torch);
    BOOST_CHECK_EQUAL(shared->lent(), 1u);
    auto modelled = spawn(replica_options{});
    BOOST_CHECK_EQUAL(shared->lent(), 1u);
    for (const auto& replica : {first, second, modelled})
      caf::anon_send_exit(replica, caf::exit_reason::user_shutdown);
  }
  // The actor system has ended: so have the replicas, and their loans.
  BOOST_CHECK_EQUAL(shared->lent(), 0u);
}

BOOST_AUTO_TEST_CASE(a_thread_keeps_to_the_cores_it_is_pinned_to) {
  auto allowed = cores_of_this_thread();
  BOOST_REQUIRE(!allowed.empty());
  std::vector<int> one{allowed.back()};
  std::vector<int> inside, started_inside, after;
  size_t inside_count = 0;
  // In a thread of its own: the test's thread keeps its cores.
  std::thread{[&] {
    {
      pinned_scope scope{one};
      inside = cores_of_this_thread();
      inside_count = usable_cores();
      // A thread started meanwhile inherits them (CAF's threads do).
      std::thread{[&] { started_inside = cores_of_this_thread(); }}.join();
    }
    after = cores_of_this_thread();
  }}.join();
  BOOST_CHECK(inside == one);
  // "One thread per core" counts the cores the thread may use.
  BOOST_CHECK_EQUAL(inside_count, 1u);
  BOOST_CHECK_EQUAL(usable_cores(), allowed.size());
  BOOST_CHECK(started_inside == one);
  BOOST_CHECK(after == allowed);
  BOOST_CHECK(!pin_this_thread({}));
  BOOST_CHECK(cores_of_this_thread() == allowed);
}

BOOST_AUTO_TEST_CASE(the_serving_probe_lasts_its_seconds_within_bounds) {
  profiler_options options;
  options.serving_seconds = 10;
  BOOST_CHECK_EQUAL(serving_probe_requests(options, 2500), 25000u);
  // A slow model still serves 50; the cap holds a fast one.
  BOOST_CHECK_EQUAL(serving_probe_requests(options, 2), 50u);
  options.handoff_requests = 20;
  BOOST_CHECK_EQUAL(serving_probe_requests(options, 2500), 20u);
  options.handoff_requests = 0;
  BOOST_CHECK_EQUAL(serving_probe_requests(options, 2500), 0u);
}

BOOST_AUTO_TEST_CASE(the_serving_probe_times_every_batchs_results_to_the_sink) {
  auto model = find_model(test::tiny_zoo::repository(), "logreg");
  handoff_options probe;
  probe.requests = 60;
  probe.rate_qps = 1000;
  auto served = probe_serving(model, probe);
  // Batches of one: each one's results, with how long the scheduler's core
  // had waited when the replica finished and their hand-off to the sink,
  // among the other messages that woke that core.
  size_t measured = 0;
  for (const auto& woken : served.results) {
    BOOST_CHECK_GE(woken.wait_ms, 0);
    if (woken.measured) {
      ++measured;
      BOOST_CHECK_GT(woken.handoff_ms, 0);
    }
  }
  BOOST_CHECK_EQUAL(measured, 60u);
  // Each request was sent and reached the frontend: at least one message
  // woke the core between two results, mostly.
  BOOST_CHECK_GT(served.results.size(), 60u);
}

BOOST_AUTO_TEST_CASE(a_measured_profile_reads_back_as_a_model_file) {
  test::temp_dir dir;
  auto model = find_model(test::tiny_zoo::repository(), "logreg");
  profiler_options options;
  options.batch_sizes = {4, 1, 2};
  options.min_runs = 3;
  options.min_seconds = 0;
  options.max_runs = 3;
  options.handoff_requests = 20;
  options.refine_within = 0;
  std::vector<uint32_t> runs;
  auto measured = measure_profile(model, options,
                                  [&runs](const profiled_size& x) {
                                    runs.push_back(x.runs);
                                  });
  BOOST_REQUIRE_EQUAL(measured.rows.size(), 3u);
  // Rounds: every size as often as the others.
  BOOST_CHECK(runs == std::vector<uint32_t>(3, 3));
  BOOST_CHECK_EQUAL(measured.rows[0].batch_size, 1u);
  BOOST_CHECK_EQUAL(measured.rows[2].batch_size, 4u);
  // Rows right after another pass, idle rows after a pause.
  BOOST_REQUIRE_EQUAL(measured.idle_rows.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    for (const auto& row : {measured.rows[i], measured.idle_rows[i]}) {
      BOOST_CHECK_EQUAL(row.batch_size, measured.rows[i].batch_size);
      BOOST_CHECK_GT(row.p99_ms, 0);
      BOOST_CHECK_GT(row.throughput_qps, 0);
    }
  dir.write("profile.toml", model_file_toml("logreg", measured, "a test"));
  // The measured profile in place of the scenario's own logreg profile.
  auto text = serving_scenario(logreg_stage);
  auto own = text.find("[[models]]\nname = \"logreg\"");
  auto next = text.find("[[models]]", own + 1);
  text.erase(own, next - own);
  text.replace(text.find("max_batch = 16"), 14, "max_batch = 4");
  auto sc = load_text(dir, "model_files = [\"profile.toml\"]\n" + text);
  BOOST_REQUIRE(sc.stages[0].service);
  // The runtime's hand-off, the client's hop and its timer's lateness,
  // measured too (a real message and a real timer take time), and read back
  // to the microsecond the file holds.
  for (auto member :
       {&profile::handoff, &profile::client_hop, &profile::timer_late}) {
    const auto& taken = measured.*member;
    BOOST_CHECK_GT(taken.median.count(), 0);
    BOOST_CHECK_GE(taken.p99.count(), taken.median.count());
    const auto& read = (*sc.stages[0].service).*member;
    BOOST_CHECK_LE(std::abs(to_ms(read.median) - to_ms(taken.median)), 1e-6);
    BOOST_CHECK_LE(std::abs(to_ms(read.p99) - to_ms(taken.p99)), 1e-6);
  }
  const auto& rows = sc.stages[0].service->rows;
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    BOOST_CHECK_EQUAL(rows[i].batch_size, measured.rows[i].batch_size);
    BOOST_CHECK_CLOSE(rows[i].throughput_qps, measured.rows[i].throughput_qps,
                      0.1);
  }
  // The stage's profile is the sum over its one model (rounding apart).
  const auto& idle = sc.stages[0].service->idle_rows;
  BOOST_REQUIRE_EQUAL(idle.size(), 3u);
  for (size_t i = 0; i < idle.size(); ++i) {
    BOOST_CHECK_EQUAL(idle[i].batch_size, measured.idle_rows[i].batch_size);
    BOOST_CHECK_CLOSE(idle[i].p99_ms, measured.idle_rows[i].p99_ms, 1e-6);
    BOOST_CHECK_CLOSE(idle[i].throughput_qps,
                      measured.idle_rows[i].throughput_qps, 1e-6);
  }
  // The idle curve (empty where idling cost this model nothing), as
  // measured; the file holds it to the microsecond and the thousandth.
  BOOST_CHECK(sc.stages[0].service->idle_curve == measured.idle_curve);
  // So does the machine's spell (none where its passes had nothing in
  // common), and its wake-ups (none where under 30 batches reached a
  // waiting replica), each point's hand-off positive.
  BOOST_CHECK(sc.stages[0].service->spell == measured.spell);
  BOOST_CHECK(sc.stages[0].service->wake == measured.wake);
  BOOST_CHECK(sc.stages[0].service->scheduler_wake == measured.scheduler_wake);
  for (const auto* wake : {&measured.wake, &measured.scheduler_wake})
    for (const auto& point : wake->curve)
      BOOST_CHECK_GT(point.handoff.count(), 0);
  // Beyond the model's max_batch, or without batch size 1: refused.
  options.batch_sizes = {1, 512};
  BOOST_CHECK_THROW(measure_profile(model, options), std::invalid_argument);
  options.batch_sizes = {2, 4};
  BOOST_CHECK_THROW(measure_profile(model, options), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_profile_adds_sizes_off_the_line_between_given_ones) {
  auto model = find_model(test::tiny_zoo::repository(), "logreg");
  profiler_options options;
  options.batch_sizes = {1, 4};
  options.min_runs = 3;
  options.min_seconds = 0;
  options.max_runs = 3;
  options.handoff_requests = 0;
  // Any departure from the line at all (measured times are never exactly
  // on it): 2, halfway from 1 to 4, then 3, halfway from 2 to 4.
  options.refine_within = 1e-12;
  std::vector<std::pair<uint32_t, bool>> reported;
  auto measured = measure_profile(model, options, [&](const profiled_size& x) {
    reported.emplace_back(x.rows.row.batch_size, x.added());
  });
  BOOST_REQUIRE_EQUAL(measured.rows.size(), 4u);
  BOOST_REQUIRE_EQUAL(measured.idle_rows.size(), 4u);
  for (uint32_t b = 1; b <= 4; ++b) {
    BOOST_CHECK_EQUAL(measured.rows[b - 1].batch_size, b);
    BOOST_CHECK_EQUAL(measured.idle_rows[b - 1].batch_size, b);
    BOOST_CHECK_GT(measured.rows[b - 1].throughput_qps, 0);
  }
  BOOST_CHECK((reported
               == std::vector<std::pair<uint32_t, bool>>{
                 {1, false}, {4, false}, {2, true}, {3, true}}));
}

BOOST_AUTO_TEST_SUITE_END()
