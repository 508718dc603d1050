// Rafiki's environment (seed 000) on the actor graph, checked step by step
// against values computed by hand from the seed's rules and tables
// (scenarios/rafiki-seed.toml: latencies at b = 16/32/48/64 of model0
// 0.0715/0.129/0.182/0.235 s, model1 0.125/0.224/0.322/0.422 s, model2
// 0.123/0.225/0.325/0.431 s; tau = 2 x 0.431 = 0.862 s, so the first step
// starts at tau/5 = 0.1724 s and a step waits while
// oldest wait + finish + 0.0862 < 0.862).
//
// Actions: a / 4 + 1 is the model mask (model 0 the most significant bit),
// a % 4 the batch size's index: 12 = {model0} at 16, 9 = {model1, model2}
// at 32, 27 = all three at 64, 1 = {model2} at 32.

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <iterator>

#include "models/input_error.hpp"
#include "runtime/rafiki_runs.hpp"
#include "runtime/rafiki_setup.hpp"
#include "runtime/report.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

scenario seed_scenario(const rafiki_overrides& x) {
  auto sc = load_scenario(TROUPE_SOURCE_DIR "/scenarios/rafiki-seed.toml");
  apply_rafiki_overrides(sc, x);
  return sc;
}

arrival_times seconds(const std::vector<double>& times) {
  arrival_times result;
  for (double t : times)
    result.push_back(caf::timespan{static_cast<int64_t>(std::llround(t * 1e9))});
  return result;
}

/// `count` arrivals from `first`, `gap` apart.
std::vector<double> evenly(size_t count, double first, double gap) {
  std::vector<double> result;
  for (size_t i = 0; i < count; ++i)
    result.push_back(first + gap * double(i));
  return result;
}

struct expected_step {
  double time_s;
  size_t action;
  uint32_t batch_size;
  uint32_t served;
  uint32_t overdue;
  double reward;
};

void check_steps(const std::vector<rafiki::step_record>& got,
                 const std::vector<expected_step>& want) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    BOOST_TEST_CONTEXT("step " << i) {
      BOOST_CHECK_EQUAL(got[i].step, i);
      BOOST_CHECK_CLOSE(got[i].time_s, want[i].time_s, 1e-7);
      BOOST_CHECK_EQUAL(got[i].action, want[i].action);
      BOOST_CHECK_EQUAL(got[i].batch_size, want[i].batch_size);
      BOOST_CHECK_EQUAL(got[i].served, want[i].served);
      BOOST_CHECK_EQUAL(got[i].overdue, want[i].overdue);
      BOOST_CHECK_SMALL(got[i].reward - want[i].reward, 1e-9);
    }
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(rafiki_replays)

BOOST_AUTO_TEST_CASE(async_steps_wait_in_ticks_and_advance_by_the_first_free_model) {
  // 20 arrivals 10 ms apart from 0, then 40 arrivals 1 ms apart from 1 s;
  // overdue beyond 0.5 s.
  auto times = evenly(20, 0.0, 0.01);
  auto later = evenly(40, 1.0, 0.001);
  times.insert(times.end(), later.begin(), later.end());
  auto replay = replay_rafiki(seed_scenario({"async", 1.0, 0.5, 2.0}),
                              seconds(times), {12, 9, 27});
  check_steps(replay.steps, {
    // 0.1724: 18 queued (0.00 to 0.17) >= 16: serve 16 on model0, P =
    // 0.0715, the oldest 0.2439 s late at most: none overdue; reward
    // acc{0} 0.8018 x 16. Models 1 and 2 are idle: no time passes.
    {0.1724, 12, 16, 16, 0, 0.8018 * 16},
    // Still 0.1724, 2 queued (0.16, 0.17) < 32: finish 0.225, so it waits
    // while (now - 0.16) + 0.225 + 0.0862 < 0.862, i.e. until the tick at
    // 0.1724 + 11 x 0.05 = 0.7224, with the 4 requests 0.16 to 0.19: each
    // (0.7224 - arrival) + 0.225 > 0.5, all overdue; reward 0.
    {0.7224, 9, 32, 4, 4, 0.0},
    // Model0 is idle: the step starts at 0.7224 on an empty queue. Checks
    // at 0.7724 ... 0.9724 find it empty; from 1.0224 on it fills; with
    // finish 0.431 it waits while (now - 1.0) + 0.5172 < 0.862, until
    // 1.3724: 40 served, each at least 1.3724 - 1.039 + 0.431 > 0.5 late.
    {1.3724, 27, 64, 40, 40, 0.0},
  });
  BOOST_CHECK(!replay.actions_ran_out);
  auto summary = summarize(load_scenario(TROUPE_SOURCE_DIR
                                         "/scenarios/rafiki-seed.toml"),
                           replay.run);
  BOOST_CHECK_EQUAL(summary.completed, 60u);
}

BOOST_AUTO_TEST_CASE(sync_steps_advance_by_the_last_busy_model) {
  // 100 arrivals 1 ms apart from 0; overdue beyond 10 s (the scenario's).
  auto replay = replay_rafiki(seed_scenario({"sync", 1.0, {}, {}}),
                              seconds(evenly(100, 0.0, 0.001)), {12, 27, 1});
  check_steps(replay.steps, {
    // 100 queued: 16 on model0; sync waits for every model: + 0.0715.
    {0.1724, 12, 16, 16, 0, 0.8018 * 16},
    // 84 queued: 64 on all three; P = 0.431, the next step 0.431 later.
    {0.2439, 27, 64, 64, 0, 0.8128 * 64},
    // 20 queued < 32, the oldest (0.080) has waited 0.5949: 0.5949 + 0.225
    // + 0.0862 >= 0.862, so no wait: 20 served on model2, padded to 32.
    {0.6749, 1, 32, 20, 0, 0.7798 * 20},
  });
  // The graph served what the controller predicted: each request ends when
  // the slowest of its models is done with its batch.
  std::vector<double> finish_s(100);
  for (const auto& rec : replay.run.outcomes.records)
    finish_s[rec.req.id] = std::chrono::duration<double>(rec.finish).count();
  BOOST_CHECK_CLOSE(finish_s[0], 0.1724 + 0.0715, 1e-7);
  BOOST_CHECK_CLOSE(finish_s[16], 0.2439 + 0.431, 1e-7);
  BOOST_CHECK_CLOSE(finish_s[99], 0.6749 + 0.225, 1e-7);
}

BOOST_AUTO_TEST_CASE(requests_left_when_the_actions_run_out_are_dropped) {
  auto replay = replay_rafiki(seed_scenario({"sync", 1.0, {}, {}}),
                              seconds(evenly(100, 0.0, 0.001)), {12, 27});
  BOOST_CHECK_EQUAL(replay.steps.size(), 2u);
  BOOST_CHECK(replay.actions_ran_out);
  auto summary = summarize(load_scenario(TROUPE_SOURCE_DIR
                                         "/scenarios/rafiki-seed.toml"),
                           replay.run);
  BOOST_CHECK_EQUAL(summary.completed, 80u);
  BOOST_CHECK_EQUAL(summary.drop_reasons["no_route"], 20u);
}

BOOST_AUTO_TEST_CASE(bad_action_and_arrival_files_name_the_line) {
  test::temp_dir dir;
  auto actions = dir.write("actions.txt", "3\n\n27\n28\n");
  BOOST_CHECK_EXCEPTION(read_action_file(actions, 28), input_error,
                        [](const input_error& err) {
                          return err.line() == 4
                                 && std::string{err.what()}.find("0 to 27")
                                      != std::string::npos;
                        });
  auto arrivals = dir.write("arrivals.txt", "0.5\n0.25\n");
  BOOST_CHECK_EXCEPTION(read_arrival_seconds(arrivals), input_error,
                        [](const input_error& err) { return err.line() == 2; });
}

BOOST_AUTO_TEST_CASE(accuracies_can_come_from_the_repositorys_measured_csv) {
  troupe::test::temp_dir dir;
  std::string csv = "models,size,mean_accuracy,vote_accuracy\n";
  const char* rows[] = {"model0,1,0.1", "model1,1,0.2", "model2,1,0.3",
                        "model0+model1,2,0.4", "model0+model2,2,0.5",
                        "model1+model2,2,0.6", "model0+model1+model2,3,0.7"};
  for (auto row : rows)
    csv += std::string{row} + ",0\n";
  dir.write("acc.csv", csv);
  std::ifstream in{TROUPE_SOURCE_DIR "/scenarios/rafiki-seed.toml"};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  auto at = text.find("  accuracy = [");
  auto end = text.find('\n', at);
  auto with_csv = text.substr(0, at) + "  accuracy_csv = \"acc.csv\""
                  + text.substr(end);
  // The repository is the scenario's folder.
  with_csv = "repository = \".\"\n" + with_csv;
  auto sc = load_scenario(dir.write("csv.toml", with_csv));
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  auto t = rafiki_tables(sc, x);
  // Mask - 1 order, model 0 the most significant bit: {2}, {1}, {1, 2},
  // {0}, {0, 2}, {0, 1}, {0, 1, 2}.
  std::vector<double> want{0.3, 0.2, 0.6, 0.1, 0.5, 0.4, 0.7};
  BOOST_CHECK_EQUAL_COLLECTIONS(t.accuracy.begin(), t.accuracy.end(),
                                want.begin(), want.end());
  // Both keys at once, and a CSV without a needed ensemble, are refused.
  auto both = text.substr(0, end + 1) + "  accuracy_csv = \"acc.csv\"\n"
              + text.substr(end + 1);
  BOOST_CHECK_THROW(load_scenario(dir.write("both.toml", both)), input_error);
  dir.write("acc.csv", "models,size,mean_accuracy\nmodel0,1,0.1\n");
  BOOST_CHECK_THROW(load_scenario(dir.write("csv2.toml", with_csv)),
                    input_error);
}

BOOST_AUTO_TEST_CASE(overrides_are_held_to_the_scenario_keys_bounds) {
  BOOST_CHECK_THROW(seed_scenario({{}, -1.0, {}, {}}), std::invalid_argument);
  BOOST_CHECK_THROW(seed_scenario({{}, {}, 1e300, {}}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(seed_scenario({"both", {}, {}, {}}),
                    std::invalid_argument);
  BOOST_CHECK_NO_THROW(seed_scenario({"sync", 0.0, 3.0, 1.5}));
}

BOOST_AUTO_TEST_CASE(steps_csv_has_the_documented_columns) {
  test::temp_dir dir;
  auto replay = replay_rafiki(seed_scenario({"sync", 1.0, {}, {}}),
                              seconds(evenly(100, 0.0, 0.001)), {12});
  auto path = dir.path("steps.csv");
  write_steps_csv(path, replay.steps);
  std::ifstream in{path};
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  BOOST_CHECK_EQUAL(header, "step,time_s,action,batch_size,served,overdue,"
                            "reward");
  BOOST_CHECK_EQUAL(first, "0,0.172400000,12,16,16,0,12.828800");
}

BOOST_AUTO_TEST_SUITE_END()
