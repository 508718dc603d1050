// Every kind of bad scenario gets an error that names the file, the line and
// the key; good ones load.

#include <boost/test/unit_test.hpp>

#include "models/input_error.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"
#include "tests/support/scenarios.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

struct fixture {
  test::temp_dir dir;

  fixture() {
    dir.write("gaps.deltas", test::constant_gaps(10, 5));
  }

  /// Loads `text`; expects an error on `line` for `field` that mentions
  /// `words`.
  void expect_error(const std::string& text, size_t line,
                    const std::string& field, const std::string& words) {
    auto file = dir.write("s.toml", text);
    try {
      auto sc = load_scenario(file);
      make_arrivals(sc, sc.seed);
      BOOST_FAIL("no error for " << field);
    } catch (const input_error& err) {
      std::string what = err.what();
      BOOST_TEST_MESSAGE(what);
      BOOST_CHECK_EQUAL(err.line(), line);
      BOOST_CHECK_EQUAL(err.field(), field);
      BOOST_CHECK_MESSAGE(what.find(words) != std::string::npos,
                          "'" << what << "' lacks '" << words << "'");
      BOOST_CHECK(what.find(err.file()) == 0);
    }
  }

  /// The line number of the first line of `text` containing `needle`.
  static size_t line_of(const std::string& text, const std::string& needle) {
    auto pos = text.find(needle);
    BOOST_REQUIRE(pos != std::string::npos);
    return 1 + std::count(text.begin(), text.begin() + pos, '\n');
  }

  static std::string replace(std::string text, const std::string& from,
                             const std::string& to) {
    auto pos = text.find(from);
    BOOST_REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
  }
};

const std::string good = test::deltas_scenario(test::one_fast_stage);

/// `good` with `keys` added to its model's profile (before its rows).
std::string with(const std::string& keys) {
  auto at = good.find("rows = ");
  BOOST_REQUIRE(at != std::string::npos);
  return std::string{good}.insert(at, keys);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(scenario_validation, fixture)

BOOST_AUTO_TEST_CASE(a_good_scenario_loads) {
  auto sc = load_scenario(dir.write("s.toml", good));
  BOOST_CHECK_EQUAL(sc.name, "test");
  BOOST_CHECK_EQUAL(sc.stages.size(), 1u);
  BOOST_CHECK_EQUAL(sc.stages[0].max_batch, 4u);
  BOOST_CHECK_EQUAL(sc.roots().size(), 1u);
  BOOST_CHECK_EQUAL(make_arrivals(sc, 1).size(), 10u);
}

BOOST_AUTO_TEST_CASE(the_default_scenario_loads) {
  auto sc = load_scenario(TROUPE_SOURCE_DIR "/scenarios/image-driver-1.toml");
  BOOST_CHECK_EQUAL(sc.stages.size(), 5u);
  BOOST_CHECK_EQUAL(sc.leaves().size(), 1u);
  BOOST_CHECK_EQUAL(sc.cost(), 8);
}

BOOST_AUTO_TEST_CASE(unknown_keys) {
  auto text = replace(good, "max_batch = 4", "max_batch = 4\nmax_bacth = 2");
  expect_error(text, line_of(text, "max_bacth"), "stages.a.max_bacth",
               "unknown key");
  auto top = "colour = \"red\"\n" + good;
  expect_error(top, 1, "colour", "unknown key");
}

BOOST_AUTO_TEST_CASE(service_time_models) {
  BOOST_CHECK(load_scenario(dir.write("s.toml", good)).service_time
              == service_time_kind::mean);
  auto lognormal = "service_time = \"lognormal\"\n" + good;
  auto sc = load_scenario(dir.write("s.toml", lognormal));
  BOOST_CHECK(sc.service_time == service_time_kind::lognormal);
  // The plan writer keeps it.
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK(load_scenario(dir.path("back.toml")).service_time
              == service_time_kind::lognormal);
  expect_error("service_time = \"gamma\"\n" + good, 1, "service_time",
               "unknown model 'gamma' (mean or lognormal)");
}

BOOST_AUTO_TEST_CASE(a_profile_s_handoffs_read_and_write_back) {
  auto at = good.find("rows = ");
  BOOST_REQUIRE(at != std::string::npos);
  for (auto [name, member] :
       {std::pair{std::string{"handoff"}, &profile::handoff},
        std::pair{std::string{"client_hop"}, &profile::client_hop},
        std::pair{std::string{"timer_late"}, &profile::timer_late}}) {
    BOOST_TEST_CONTEXT(name) {
      auto median = name + "_ms";
      auto p99 = name + "_p99_ms";
      auto field = "models.fast.profiles[0]." + name;
      auto with = std::string{good}.insert(
        at, median + " = 0.045\n" + p99 + " = 0.1234567\n");
      auto sc = load_scenario(dir.write("s.toml", with));
      const auto& measured = (*sc.stages[0].service).*member;
      BOOST_CHECK_EQUAL(measured.median.count(), 45000);
      BOOST_CHECK_EQUAL(measured.p99.count(), 123457);
      write_scenario(sc, dir.path("back.toml"));
      BOOST_CHECK(*load_scenario(dir.path("back.toml")).stages[0].service
                  == *sc.stages[0].service);
      auto negative = std::string{good}.insert(at, median + " = -1\n");
      expect_error(negative, line_of(negative, median), field + "_ms",
                   "must not be negative");
      // A p99 spreads a median: it needs one, and cannot lie below it.
      auto alone = std::string{good}.insert(at, p99 + " = 0.1\n");
      expect_error(alone, line_of(alone, p99), field + "_p99_ms",
                   "needs " + median);
      auto below = std::string{good}.insert(
        at, median + " = 0.045\n" + p99 + " = 0.04\n");
      expect_error(below, line_of(below, p99), field + "_p99_ms",
                   "must be at least " + median);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_profile_s_spell_reads_and_writes_back) {
  auto at = good.find("rows = ");
  BOOST_REQUIRE(at != std::string::npos);
  auto with = std::string{good}.insert(at, "spell_share = 0.45\nspell_ms = 12.5\n");
  auto sc = load_scenario(dir.write("s.toml", with));
  const auto& spell = sc.stages[0].service->spell;
  BOOST_CHECK_EQUAL(spell.share, 0.45);
  BOOST_CHECK(spell.duration == std::chrono::microseconds{12500});
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK(*load_scenario(dir.path("back.toml")).stages[0].service
              == *sc.stages[0].service);
  auto field = std::string{"models.fast.profiles[0]."};
  auto alone = std::string{good}.insert(at, "spell_share = 0.45\n");
  expect_error(alone, line_of(alone, "spell_share"), field + "spell_share",
               "needs spell_ms");
  auto whole = std::string{good}.insert(at, "spell_share = 1\nspell_ms = 5\n");
  expect_error(whole, line_of(whole, "spell_share"), field + "spell_share",
               "must be below 1");
  auto instant = std::string{good}.insert(at, "spell_share = 0.4\nspell_ms = 0\n");
  expect_error(instant, line_of(instant, "spell_ms"), field + "spell_ms",
               "positive");
}

BOOST_AUTO_TEST_CASE(a_profile_s_stalls_read_and_write_back) {
  // More durations than the writer puts on one line.
  auto sc = load_scenario(dir.write(
    "s.toml", with("stall_per_s = 3.5\nstall_ms = [0.6, 0.7, 0.8, 0.9, 1, "
                   "1.1, 1.2,\n  1.25, 2, 4.0]\n")));
  const auto& stalls = sc.stages[0].service->stalls;
  BOOST_CHECK_EQUAL(stalls.per_s, 3.5);
  BOOST_REQUIRE_EQUAL(stalls.durations.size(), 10u);
  BOOST_CHECK(stalls.durations[0] == std::chrono::microseconds{600});
  BOOST_CHECK(stalls.durations[7] == std::chrono::microseconds{1250});
  BOOST_CHECK(stalls.durations[9] == std::chrono::milliseconds{4});
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK(*load_scenario(dir.path("back.toml")).stages[0].service
              == *sc.stages[0].service);
  auto field = std::string{"models.fast.profiles[0]."};
  auto alone = with("stall_per_s = 3\n");
  expect_error(alone, line_of(alone, "stall_per_s"), field + "stall_per_s",
               "needs stall_ms");
  auto lonely = with("stall_ms = [1]\n");
  expect_error(lonely, line_of(lonely, "stall_ms"), field + "stall_ms",
               "needs stall_per_s");
  auto unsorted = with("stall_per_s = 3\nstall_ms = [2, 1]\n");
  expect_error(unsorted, line_of(unsorted, "stall_ms"),
               field + "stall_ms[1]", "sorted");
  auto empty = with("stall_per_s = 3\nstall_ms = []\n");
  expect_error(empty, line_of(empty, "stall_ms"), field + "stall_ms",
               "at least one");
  auto instant = with("stall_per_s = 3\nstall_ms = [0]\n");
  expect_error(instant, line_of(instant, "stall_ms"), field + "stall_ms[0]",
               "positive");
  auto never = with("stall_per_s = 0\nstall_ms = [1]\n");
  expect_error(never, line_of(never, "stall_per_s"), field + "stall_per_s",
               "positive");
  auto storm = with("stall_per_s = 20000\nstall_ms = [0.001]\n");
  expect_error(storm, line_of(storm, "stall_per_s"), field + "stall_per_s",
               "more than 10000");
  // 600 a second of 1 ms: 60% of a core.
  auto most = with("stall_per_s = 600\nstall_ms = [1]\n");
  expect_error(most, line_of(most, "stall_per_s"), field + "stall_per_s",
               "60% of a core's time");
}

BOOST_AUTO_TEST_CASE(a_profile_s_stall_tail_reads_and_writes_back) {
  // One index for every stall of the profile, by time and at wake-ups.
  auto sc = load_scenario(dir.write(
    "s.toml", with("stall_per_s = 3\nstall_ms = [1, 2]\n"
                   "scheduler_stall_per_s = 9\nscheduler_stall_ms = [4]\n"
                   "stall_tail_index = 3\n")));
  const auto& service = *sc.stages[0].service;
  BOOST_CHECK_EQUAL(service.stalls.tail_index, 3.0);
  BOOST_CHECK_EQUAL(service.scheduler_stalls.tail_index, 3.0);
  // Its share counts the tail: a third of the stalls beyond 2 ms, 3 ms
  // on average (cut at 100 ms), where 1.5 ms were all without it.
  BOOST_CHECK_CLOSE(service.stalls.share(),
                    3 * (2.0 / 3 * 1.5 + 1.0 / 3 * (2 + 1 - 0.0004)) / 1000,
                    0.01);
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK(*load_scenario(dir.path("back.toml")).stages[0].service
              == service);
  // Without the key, none: the durations hold every stall.
  auto none = load_scenario(dir.write(
    "s.toml", with("stall_per_s = 3\nstall_ms = [1, 2]\n")));
  BOOST_CHECK_EQUAL(none.stages[0].service->stalls.tail_index, 0.0);
  auto field = std::string{"models.fast.profiles[0].stall_tail_index"};
  auto infinite_mean = with("stall_per_s = 3\nstall_ms = [1]\n"
                            "stall_tail_index = 1\n");
  expect_error(infinite_mean, line_of(infinite_mean, "stall_tail_index"),
               field, "above 1");
  auto nothing = with("stall_tail_index = 3\n");
  expect_error(nothing, line_of(nothing, "stall_tail_index"), field,
               "needs stalls");
  // 280 a second of 1 ms take 28% of a core; with a tail of index 1.5,
  // half of them beyond, 2.8 ms on average: 53%.
  auto most = with("stall_per_s = 280\nstall_ms = [1]\n"
                   "stall_tail_index = 1.5\n");
  expect_error(most, line_of(most, "stall_per_s"),
               "models.fast.profiles[0].stall_per_s", "53% of a core's time");
}

BOOST_AUTO_TEST_CASE(the_scheduler_s_core_stalls_as_measured_else_as_a_replica_s) {
  // Only a replica's core measured: the scheduler's stalls alike.
  auto one = load_scenario(dir.write("s.toml", with("stall_per_s = 3\n"
                                                    "stall_ms = [1, 2]\n")));
  auto draws = replica_spec_options(one, 0, 0, 1).service_time;
  BOOST_CHECK(draws.stalls == (stall_time{3, {1ms, 2ms}}));
  BOOST_CHECK(draws.scheduler_stalls == draws.stalls);
  BOOST_CHECK(client_hop_for(one, 1).draws.scheduler_stalls
              == draws.stalls);
  // Both measured: each core its own, the client on the scheduler's.
  auto both = load_scenario(dir.write(
    "s.toml", with("stall_per_s = 3\nstall_ms = [1, 2]\n"
                   "scheduler_stall_per_s = 9\nscheduler_stall_ms = [4]\n")));
  BOOST_CHECK(both.stages[0].service->scheduler_stalls
              == (stall_time{9, {4ms}}));
  draws = replica_spec_options(both, 0, 0, 1).service_time;
  BOOST_CHECK(draws.stalls == (stall_time{3, {1ms, 2ms}}));
  BOOST_CHECK(draws.scheduler_stalls == (stall_time{9, {4ms}}));
  BOOST_CHECK(client_hop_for(both, 1).draws.scheduler_stalls
              == draws.scheduler_stalls);
  write_scenario(both, dir.path("back.toml"));
  BOOST_CHECK(*load_scenario(dir.path("back.toml")).stages[0].service
              == *both.stages[0].service);
  // The same checks as a replica's core's keys, named for the scheduler.
  auto field = std::string{"models.fast.profiles[0]."};
  auto alone = with("scheduler_stall_per_s = 3\n");
  expect_error(alone, line_of(alone, "scheduler_stall_per_s"),
               field + "scheduler_stall_per_s", "needs scheduler_stall_ms");
  auto unsorted = with("scheduler_stall_per_s = 3\n"
                       "scheduler_stall_ms = [2, 1]\n");
  expect_error(unsorted, line_of(unsorted, "scheduler_stall_ms"),
               field + "scheduler_stall_ms[1]", "sorted");
}

BOOST_AUTO_TEST_CASE(stall_bursts_read_and_write_back) {
  // 10 stalls a second (a mean gap of 100 ms), 60% of the gaps in bursts
  // of 4, 2.5 ms each; the scheduler's core alike under its own keys.
  for (std::string prefix : {"", "scheduler_"}) {
    auto stalls = prefix + "stall_per_s = 10\n" + prefix + "stall_ms = [1]\n";
    auto bursts = [&](const std::string& share, const std::string& gap,
                      const std::string& in_row) {
      return with(stalls + prefix + "stall_burst_share = " + share + "\n"
                  + prefix + "stall_burst_gap_ms = " + gap + "\n" + prefix
                  + "stall_burst_gaps = " + in_row + "\n");
    };
    auto sc = load_scenario(dir.write("s.toml", bursts("0.6", "2.5", "4")));
    const auto& p = *sc.stages[0].service;
    const auto& read = prefix.empty() ? p.stalls : p.scheduler_stalls;
    BOOST_CHECK_EQUAL(read.bursts.share, 0.6);
    BOOST_CHECK(read.bursts.gap == 2500us);
    BOOST_CHECK_EQUAL(read.bursts.gaps_per_burst, 4.0);
    write_scenario(sc, dir.path("back.toml"));
    BOOST_CHECK(*load_scenario(dir.path("back.toml")).stages[0].service == p);
    auto field = std::string{"models.fast.profiles[0]."} + prefix;
    auto key = prefix + "stall_burst_";
    auto no_stalls = with(key + "share = 0.5\n");
    expect_error(no_stalls, line_of(no_stalls, key + "share"),
                 field + "stall_burst_share",
                 "needs " + prefix + "stall_per_s");
    auto partial = with(stalls + key + "gap_ms = 2\n");
    expect_error(partial, line_of(partial, key + "gap_ms"),
                 field + "stall_burst_gap_ms", "needs " + key + "share");
    auto all = bursts("1", "2.5", "4");
    expect_error(all, line_of(all, key + "share"),
                 field + "stall_burst_share", "must be below 1");
    auto none = bursts("0", "2.5", "4");
    expect_error(none, line_of(none, key + "share"),
                 field + "stall_burst_share", "positive");
    auto empty = bursts("0.6", "2.5", "0.5");
    expect_error(empty, line_of(empty, key + "gaps"),
                 field + "stall_burst_gaps", "at least 1");
    // A burst's gap as long as the mean gap leaves the calm ones no longer.
    auto slow = bursts("0.6", "100", "4");
    expect_error(slow, line_of(slow, key + "gap_ms"),
                 field + "stall_burst_gap_ms", "shorter than the mean gap");
    // 90% of the gaps in bursts of 2: calm stretches would turn into bursts
    // 4.5 times a stall.
    auto short_bursts = bursts("0.9", "2.5", "2");
    expect_error(short_bursts, line_of(short_bursts, key + "gaps"),
                 field + "stall_burst_gaps", "at least 9 gaps");
  }
}

BOOST_AUTO_TEST_CASE(send_ahead_is_on_where_the_policies_allow_it) {
  BOOST_CHECK(load_scenario(dir.write("s.toml", good)).stages[0].send_ahead);
  auto off = replace(good, "max_batch = 4", "max_batch = 4\nsend_ahead = false");
  auto sc = load_scenario(dir.write("s.toml", off));
  BOOST_CHECK(!sc.stages[0].send_ahead);
  // The plan writer keeps it.
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK(!load_scenario(dir.path("back.toml")).stages[0].send_ahead);
  auto word = replace(good, "max_batch = 4", "max_batch = 4\nsend_ahead = 1");
  expect_error(word, line_of(word, "send_ahead"), "stages.a.send_ahead",
               "expected a boolean, got an integer");
  // Asked for where a batch's size or requests depend on when it starts.
  for (auto keys : {"batching = \"deadline\"", "drop = \"deadline\"",
                    "drop = \"estimate\""}) {
    auto refused = replace(good, "max_batch = 4",
                           std::string{"max_batch = 4\n"} + keys
                             + "\nsend_ahead = true");
    expect_error(refused, line_of(refused, "send_ahead"),
                 "stages.a.send_ahead", "applies only to stages");
  }
  // Left at its default there, it is simply not used.
  auto deadline = replace(good, "max_batch = 4",
                          "max_batch = 4\nbatching = \"deadline\"");
  auto quiet = load_scenario(dir.write("s.toml", deadline)).stages[0];
  BOOST_CHECK(quiet.send_ahead && !quiet.may_send_ahead());
}

BOOST_AUTO_TEST_CASE(idle_and_switch_rows_list_the_batch_sizes_of_rows) {
  for (std::string key : {"idle_rows", "switch_rows"}) {
    BOOST_TEST_CONTEXT(key) {
      auto with = [&](const std::string& more) {
        return replace(
          good, "[[1, 10.0, 100.0], [2, 12.0, 160.0], [4, 20.0, 200.0]]",
          "[[1, 10.0, 100.0], [2, 12.0, 160.0], [4, 20.0, 200.0]]\n  " + key
            + " = " + more);
      };
      auto text = with("[[1, 15.0, 80.0], [2, 18.0, 120.0], [4, 30.0, 150.0]]");
      auto sc = load_scenario(dir.write("s.toml", text));
      const auto& p = *sc.models[0].profiles[0];
      const auto& rows = key == "idle_rows" ? p.idle_rows : p.switch_rows;
      BOOST_REQUIRE_EQUAL(rows.size(), 3u);
      BOOST_CHECK_EQUAL(rows[2].throughput_qps, 150.0);
      write_scenario(sc, dir.path("back.toml"));
      BOOST_CHECK(*load_scenario(dir.path("back.toml")).models[0].profiles[0]
                  == p);
      auto field = "models.fast.profiles[0]." + key;
      auto fewer = with("[[1, 15.0, 80.0], [2, 18.0, 120.0]]");
      expect_error(fewer, line_of(fewer, key), field,
                   "the batch sizes of rows");
      auto other = with("[[1, 15.0, 80.0], [3, 18.0, 120.0], [4, 30.0, 150.0]]");
      expect_error(other, line_of(other, key), field,
                   "the batch sizes of rows");
      auto bad = with("[[1, -15.0, 80.0], [2, 18.0, 120.0], [4, 30.0, 150.0]]");
      expect_error(bad, line_of(bad, key), field + "[0]", "positive");
    }
  }
}

BOOST_AUTO_TEST_CASE(an_idle_curve_reads_writes_back_and_is_checked) {
  auto rows = std::string{
    "[[1, 10.0, 100.0], [2, 12.0, 160.0], [4, 20.0, 200.0]]"};
  auto idle = std::string{
    "\n  idle_rows = [[1, 15.0, 80.0], [2, 18.0, 120.0], [4, 30.0, 150.0]]"};
  auto with = [&](const std::string& curve, bool idle_rows = true) {
    return replace(good, rows,
                   rows + (idle_rows ? idle : "") + "\n  idle_curve = "
                     + curve);
  };
  // Beyond 1: served passes took longer than the idle rows say. A point
  // without a tail share uses its share for the p99.
  auto text = with("[[0.02, 0.1], [0.15, 0.45, 0.9], [0.4, 1.6, 3.5]]");
  auto sc = load_scenario(dir.write("s.toml", text));
  const auto& p = *sc.models[0].profiles[0];
  BOOST_REQUIRE_EQUAL(p.idle_curve.size(), 3u);
  BOOST_CHECK(p.idle_curve[1].wait == std::chrono::microseconds{150});
  BOOST_CHECK_EQUAL(p.idle_curve[1].share, 0.45);
  BOOST_CHECK_EQUAL(p.idle_curve[1].tail_share, 0.9);
  BOOST_CHECK_EQUAL(p.idle_curve[0].tail_share, 0.1);
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK(*load_scenario(dir.path("back.toml")).models[0].profiles[0] == p);
  auto field = std::string{"models.fast.profiles[0].idle_curve"};
  auto alone = with("[[0.1, 0.5]]", false);
  expect_error(alone, line_of(alone, "idle_curve"), field, "needs idle_rows");
  struct refused {
    const char* curve;
    const char* at;
    const char* message;
  };
  for (auto [curve, at, message] :
       {refused{"[[0.2, 0.5], [0.1, 1]]", "[1]", "strictly increasing"},
        refused{"[[0.1, 1001]]", "[0]", "beyond 1000 times"},
        refused{"[[0.1, -0.5]]", "[0]", "must not be negative"},
        refused{"[[0, 0.5]]", "[0]", "positive"},
        refused{"[[0.1, 0.5, 2, 3]]", "[0]", "got 4 values"},
        refused{"[[0.1, 0.5, -2]]", "[0]", "must not be negative"},
        refused{"[[0.1, 0.5, 1001]]", "[0]", "tail share 1001 is beyond"},
        refused{"[]", "", "at least one point"}}) {
    auto bad = with(curve);
    expect_error(bad, line_of(bad, "idle_curve"), field + at, message);
  }
}

BOOST_AUTO_TEST_CASE(wake_curves_and_polls_read_write_back_and_are_checked) {
  auto rows = std::string{
    "[[1, 10.0, 100.0], [2, 12.0, 160.0], [4, 20.0, 200.0]]"};
  auto with = [&](const std::string& keys, bool handoff = true) {
    return replace(good, rows,
                   rows + (handoff ? "\n  handoff_ms = 0.03" : "") + "\n  "
                     + keys);
  };
  // A replica's core's keys, and the scheduler's core's, alike.
  for (auto [prefix, member] :
       {std::pair{std::string{}, &profile::wake},
        std::pair{std::string{"scheduler_"}, &profile::scheduler_wake}}) {
    BOOST_TEST_CONTEXT(prefix + "wake_curve") {
      auto key = [&, prefix = prefix](const char* name) {
        return prefix + name;
      };
      auto curve = key("wake_curve") + " = [[0, 0.015], [0.05, 0.055], "
                                       "[0.8, 0.062]]";
      auto poll = "\n  " + key("polled_handoff_ms") + " = 0.017\n  "
                  + key("poll_longest_ms") + " = 0.2";
      auto sc = load_scenario(dir.write("s.toml", with(curve + poll)));
      const auto& p = *sc.models[0].profiles[0];
      const auto& wake = p.*member;
      BOOST_REQUIRE_EQUAL(wake.curve.size(), 3u);
      BOOST_CHECK(wake.curve[0].wait == 0us);
      BOOST_CHECK(wake.curve[1].wait == 50us);
      BOOST_CHECK(wake.curve[2].handoff == 62us);
      BOOST_CHECK(wake.poll.polled == 17us);
      BOOST_CHECK(wake.poll.longest == 200us);
      // Only the keys' own core.
      BOOST_CHECK(!(p.*(member == &profile::wake ? &profile::scheduler_wake
                                                 : &profile::wake))
                     .modelled());
      write_scenario(sc, dir.path("back.toml"));
      BOOST_CHECK(*load_scenario(dir.path("back.toml")).models[0].profiles[0]
                  == p);
      auto at = std::string{"models.fast.profiles[0]."};
      auto without_handoff = with(curve, false);
      expect_error(without_handoff,
                   line_of(without_handoff, key("wake_curve")),
                   at + key("wake_curve"), "needs handoff_ms");
      auto without_curve = with(key("polled_handoff_ms") + " = 0.017\n  "
                                + key("poll_longest_ms") + " = 0.2");
      expect_error(without_curve,
                   line_of(without_curve, key("polled_handoff_ms")),
                   at + key("polled_handoff_ms"),
                   "needs " + key("wake_curve"));
      auto half = with(curve + "\n  " + key("poll_longest_ms") + " = 0.2");
      expect_error(half, line_of(half, key("poll_longest_ms")),
                   at + key("poll_longest_ms"),
                   "needs " + key("polled_handoff_ms"));
      auto other_half = with(curve + "\n  " + key("polled_handoff_ms")
                             + " = 0.017");
      expect_error(other_half, line_of(other_half, key("polled_handoff_ms")),
                   at + key("polled_handoff_ms"),
                   "needs " + key("poll_longest_ms"));
      auto zero = with(curve + "\n  " + key("polled_handoff_ms")
                       + " = 0.017\n  " + key("poll_longest_ms") + " = 0");
      expect_error(zero, line_of(zero, key("poll_longest_ms")),
                   at + key("poll_longest_ms"), "positive");
      struct refused {
        const char* curve;
        const char* at;
        const char* message;
      };
      for (auto [points, where, message] :
           {refused{"[[0.2, 0.05], [0.1, 0.06]]", "[1]",
                    "strictly increasing"},
            refused{"[[0.1, 0]]", "[0]", "positive"},
            refused{"[[-0.1, 0.05]]", "[0]", "must not be negative"},
            refused{"[[0.1, 0.05, 2]]", "[0]", "got 3 values"},
            refused{"[[0.1, 1e30]]", "[0]", "longer than the clock holds"},
            refused{"[]", "", "at least one point"}}) {
        auto bad = with(key("wake_curve") + " = " + points);
        expect_error(bad, line_of(bad, key("wake_curve")),
                     at + key("wake_curve") + where, message);
      }
      // Wake stalls: a share of the wake-ups past the poll, with their
      // durations; both or neither, beside the curve.
      auto stalls = "\n  " + key("wake_stall_share") + " = 0.0045\n  "
                    + key("wake_stall_ms") + " = [0.52, 1.1, 3.1]";
      auto stalled = load_scenario(dir.write("s.toml", with(curve + stalls)));
      const auto& stalled_wake = stalled.models[0].profiles[0].get()->*member;
      BOOST_CHECK_EQUAL(stalled_wake.stalls.share, 0.0045);
      BOOST_REQUIRE_EQUAL(stalled_wake.stalls.durations.size(), 3u);
      BOOST_CHECK(stalled_wake.stalls.durations[1] == 1100us);
      write_scenario(stalled, dir.path("back.toml"));
      BOOST_CHECK(*load_scenario(dir.path("back.toml")).models[0].profiles[0]
                  == *stalled.models[0].profiles[0]);
      auto stalls_alone = with(key("wake_stall_share") + " = 0.0045\n  "
                               + key("wake_stall_ms") + " = [1]");
      expect_error(stalls_alone,
                   line_of(stalls_alone, key("wake_stall_share")),
                   at + key("wake_stall_share"), "needs " + key("wake_curve"));
      auto no_durations = with(curve + "\n  " + key("wake_stall_share")
                               + " = 0.0045");
      expect_error(no_durations,
                   line_of(no_durations, key("wake_stall_share")),
                   at + key("wake_stall_share"),
                   "needs " + key("wake_stall_ms"));
      auto no_share = with(curve + "\n  " + key("wake_stall_ms") + " = [1]");
      expect_error(no_share, line_of(no_share, key("wake_stall_ms")),
                   at + key("wake_stall_ms"),
                   "needs " + key("wake_stall_share"));
      auto beyond = with(curve + "\n  " + key("wake_stall_share")
                         + " = 1.5\n  " + key("wake_stall_ms") + " = [1]");
      expect_error(beyond, line_of(beyond, key("wake_stall_share")),
                   at + key("wake_stall_share"), "at most 1");
      auto unsorted = with(curve + "\n  " + key("wake_stall_share")
                           + " = 0.01\n  " + key("wake_stall_ms")
                           + " = [2, 1]");
      expect_error(unsorted, line_of(unsorted, key("wake_stall_ms")),
                   at + key("wake_stall_ms") + "[1]", "sorted");
    }
  }
}

BOOST_AUTO_TEST_CASE(names_with_control_characters_write_back) {
  auto text = replace(good, "name = \"test\"",
                      "name = \"a\\u0001b\\tc\\r\\\"d\\\\e\\u007F\"");
  auto sc = load_scenario(dir.write("s.toml", text));
  BOOST_CHECK_EQUAL(sc.name, "a\x01" "b\tc\r\"d\\e\x7f");
  write_scenario(sc, dir.path("back.toml"));
  BOOST_CHECK_EQUAL(load_scenario(dir.path("back.toml")).name, sc.name);
}

BOOST_AUTO_TEST_CASE(missing_keys) {
  auto text = replace(good, "hardware = \"CPU\"\nmax_batch",
                      "max_batch");
  expect_error(text, line_of(text, "[[stages]]"), "stages.a.hardware",
               "missing required key");
  expect_error(replace(good, "slo_ms", "#slo_ms"), 0, "slo_ms",
               "missing required key");
}

BOOST_AUTO_TEST_CASE(wrong_types) {
  auto text = replace(good, "max_batch = 4", "max_batch = \"4\"");
  expect_error(text, line_of(text, "max_batch"), "stages.a.max_batch",
               "expected an integer, got a string");
  auto slo = replace(good, "slo_ms = 1000.000000", "slo_ms = true");
  expect_error(slo, 2, "slo_ms", "expected a number");
}

BOOST_AUTO_TEST_CASE(profiles_must_be_sorted_and_start_at_one) {
  auto text = replace(good, "[[1, 10.0, 100.0], [2, 12.0, 160.0]",
                      "[[1, 10.0, 100.0], [4, 12.0, 160.0]");
  expect_error(text, line_of(text, "[[1, 10.0, 100.0], [4"),
               "models.fast.profiles[0].rows[2]", "sorted");
  auto start = replace(good, "[[1, 10.0, 100.0], [2", "[[2, 10.0, 100.0], [3");
  expect_error(start, line_of(start, "[[2, 10.0"),
               "models.fast.profiles[0].rows[0]", "batch size 1");
}

BOOST_AUTO_TEST_CASE(max_batch_beyond_the_profile) {
  auto text = replace(good, "max_batch = 4", "max_batch = 8");
  expect_error(text, line_of(text, "max_batch = 8"), "stages.a.max_batch",
               "largest profiled batch size 4");
}

BOOST_AUTO_TEST_CASE(unknown_model_hardware_and_input) {
  auto model = replace(good, "model = \"fast\"", "model = \"fats\"");
  expect_error(model, line_of(model, "fats"), "stages.a.model",
               "unknown model 'fats'");
  auto hw = replace(good, "hardware = \"CPU\"\nmax", "hardware = \"GPU\"\nmax");
  expect_error(hw, line_of(hw, "GPU"), "stages.a.hardware",
               "no profile for hardware 'GPU'");
  auto input = replace(good, "[\"source\"]", "[\"sauce\"]");
  expect_error(input, line_of(input, "sauce"), "stages.a.inputs",
               "unknown input 'sauce'");
}

BOOST_AUTO_TEST_CASE(cycles) {
  auto text = test::deltas_scenario(R"(
[[stages]]
name = "a"
model = "fast"
hardware = "CPU"
inputs = ["source", "c"]
[[stages]]
name = "b"
model = "fast"
hardware = "CPU"
inputs = ["a"]
[[stages]]
name = "c"
kind = "join"
inputs = ["b"]
)");
  auto file = dir.write("s.toml", text);
  try {
    load_scenario(file);
    BOOST_FAIL("no error");
  } catch (const input_error& err) {
    std::string what = err.what();
    BOOST_CHECK(what.find("cycle") != std::string::npos);
    BOOST_CHECK(what.find("a <- c <- b <- a") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(non_positive_rates) {
  auto text = replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"",
                      "kind = \"poisson\"\nrate_qps = 0\ncount = 5");
  expect_error(text, line_of(text, "rate_qps"), "workload.rate_qps",
               "must be positive");
  auto gamma = replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"",
                       "kind = \"gamma\"\nrate_qps = -3\ncv = 1\ncount = 5");
  expect_error(gamma, line_of(gamma, "rate_qps"), "workload.rate_qps",
               "must be positive");
}

BOOST_AUTO_TEST_CASE(times_and_rates_beyond_the_clock) {
  // Each workload, its error's line (the line holding `at`; none: 0),
  // field and words.
  struct extreme {
    const char* workload;
    const char* at;
    const char* field;
    const char* words;
  };
  std::vector<extreme> cases{
    {"kind = \"poisson\"\nrate_qps = 1e-300\ncount = 10", "rate_qps",
     "workload.rate_qps", "longer than the clock holds"},
    {"kind = \"gamma\"\nrate_qps = 1e12\ncv = 1\ncount = 10", "rate_qps",
     "workload.rate_qps", "more than one per nanosecond"},
    // Each gap fits, their sum does not.
    {"kind = \"poisson\"\nrate_qps = 1e-8\ncount = 1000", nullptr, "workload",
     "beyond the longest run the clock holds"},
    {"kind = \"wave\"\nk1 = 40\nk2 = 20\nk3 = 100\nstep_s = 1e7", "step_s",
     "workload.step_s", "500 steps of 1e+07 s last longer"},
    {"kind = \"sine\"\nrate_qps = 10\nperiod_s = 10\nduration_s = 1e12",
     "duration_s", "workload.duration_s", "longer than the clock holds"},
    {"kind = \"sine\"\nrate_qps = 10\nperiod_s = 10\nduration_s = 1e8\n"
     "interval_s = 1e-3",
     "interval_s", "workload.interval_s", "1e+11 intervals"},
    {"kind = \"poisson\"\nrate_qps = 5\ncount = 20000000", "count = 2",
     "workload.count", "one run holds at most 10000000"},
  };
  for (const auto& x : cases) {
    auto text = replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"",
                        x.workload);
    expect_error(text, x.at != nullptr ? line_of(text, x.at) : 0, x.field,
                 x.words);
  }
  auto slo = replace(good, "slo_ms = 1000.000000", "slo_ms = 1e13");
  expect_error(slo, 2, "slo_ms", "longer than the clock holds");
  auto huge = replace(good, "[2, 12.0, 160.0]", "[5000000000, 12.0, 160.0]");
  expect_error(huge, line_of(huge, "5000000000"),
               "models.fast.profiles[0].rows[1]", "at most 1000000");
  auto profile = replace(good, "[[1, 10.0, 100.0], [2", "[[1, 10.0, 1e-300], [2");
  expect_error(profile, line_of(profile, "1e-300"),
               "models.fast.profiles[0].rows[0]", "takes longer than the clock");
  dir.write("fast.csv", "time_s,rate_qps\n0,10\n5,1e12\n");
  dir.write("late.csv", "time_s,rate_qps\n0,10\n1e12,5\n");
  auto trace = [&](const std::string& file) {
    return replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"",
                   "kind = \"trace\"\nfile = \"" + file + "\"");
  };
  expect_error(trace("fast.csv"), 3, "rate_qps", "above 1e9 requests/s");
  expect_error(trace("late.csv"), 3, "time_s", "beyond the longest run");
  dir.write("far.deltas", "1\n1e13\n5\n");
  expect_error(replace(good, "gaps.deltas", "far.deltas"), 3, "gap",
               "the arrivals reach 1e+10 s");
}

BOOST_AUTO_TEST_CASE(workloads_stop_at_their_count_and_the_run_limit) {
  auto workload = [&](const std::string& w) {
    return replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"", w);
  };
  // A sine of 1e8 requests/s for 100 s: ten requests when counted, and
  // refused (not ten billion generated) when not.
  auto sine = "kind = \"sine\"\nrate_qps = 1e8\nperiod_s = 10\n"
              "duration_s = 100";
  auto counted = load_scenario(
    dir.write("s.toml", workload(std::string{sine} + "\ncount = 10")));
  BOOST_CHECK_EQUAL(make_arrivals(counted, 1).size(), 10u);
  expect_error(workload(sine), 0, "workload", "more than 10000000 requests");
  // --count caps every workload kind, never raises it.
  dir.write("trace.csv", "time_s,rate_qps\n0,20\n2,40\n");
  for (auto kind : {"kind = \"deltas\"\nfile = \"gaps.deltas\"",
                    "kind = \"poisson\"\nrate_qps = 5\ncount = 8",
                    "kind = \"gamma\"\nrate_qps = 5\ncv = 2\ncount = 8",
                    "kind = \"sine\"\nrate_qps = 10\nperiod_s = 5\n"
                    "duration_s = 5",
                    "kind = \"wave\"\nk1 = 4\nk2 = 2\nk3 = 10\nstep_s = 0.01",
                    "kind = \"trace\"\nfile = \"trace.csv\""}) {
    auto sc = load_scenario(dir.write("s.toml", workload(kind)));
    auto all = make_arrivals(sc, 1).size();
    BOOST_TEST_MESSAGE(kind << ": " << all << " requests");
    BOOST_REQUIRE_GT(all, 5u);
    BOOST_CHECK_EQUAL(make_arrivals(sc, 1, all + 10).size(), all);
    BOOST_CHECK_EQUAL(make_arrivals(sc, 1, 5).size(), 5u);
  }
}

BOOST_AUTO_TEST_CASE(a_long_garbled_line_is_quoted_short) {
  dir.write("long.deltas", std::string(100000, 'x') + "\n");
  expect_error(replace(good, "gaps.deltas", "long.deltas"), 1, "gap",
               "...' (100000 characters)");
}

BOOST_AUTO_TEST_CASE(missing_empty_and_garbled_gap_files) {
  auto missing = replace(good, "gaps.deltas", "nope.deltas");
  expect_error(missing, line_of(missing, "nope"), "workload.file",
               "no such file 'nope.deltas'");
  dir.write("empty.deltas", "");
  expect_error(replace(good, "gaps.deltas", "empty.deltas"), 0, "",
               "no gaps");
  dir.write("garbled.deltas", "1.0\n2.0\n3,5\n");
  expect_error(replace(good, "gaps.deltas", "garbled.deltas"), 3, "gap",
               "'3,5'");
}

BOOST_AUTO_TEST_CASE(syntax_errors_and_missing_scenarios) {
  expect_error(good + "\n[[stages]\n", line_of(good, "inputs") + 2, "",
               "");
  BOOST_CHECK_THROW(load_scenario(dir.path("absent.toml")), input_error);
}

BOOST_AUTO_TEST_CASE(duplicate_and_reserved_names) {
  auto dup = good + test::one_fast_stage;
  auto second = dup.rfind("name = \"a\"");
  expect_error(dup, 1 + std::count(dup.begin(), dup.begin() + second, '\n'),
               "stages[1].name",
               "defined twice");
  auto reserved = replace(good, "name = \"a\"", "name = \"source\"");
  expect_error(reserved, line_of(reserved, "\"source\"\n"), "stages[0].name",
               "reserved");
}

BOOST_AUTO_TEST_CASE(bad_scaling_settings) {
  auto scaling = [](const std::string& table) {
    return replace(good, "[[models]]", "[scaling]\n" + table + "\n[[models]]");
  };
  auto policy = scaling("policy = \"magic\"");
  expect_error(policy, line_of(policy, "magic"), "scaling.policy",
               "unknown scaling policy 'magic' (known: none, seed, tuner, "
               "oracle)");
  expect_error(scaling("interval_s = 1"), line_of(scaling(""), "[scaling]"),
               "scaling.policy", "missing required key");
  auto cold = scaling("policy = \"seed\"\ncold_start_s = -1");
  expect_error(cold, line_of(cold, "cold_start_s"), "scaling.cold_start_s",
               "must not be negative");
  auto forever = scaling("policy = \"seed\"\ncold_start_s = 1e10");
  expect_error(forever, line_of(forever, "cold_start_s"),
               "scaling.cold_start_s", "longer than the clock holds");
  auto tiny = scaling("policy = \"seed\"\ninterval_s = 1e-9");
  expect_error(tiny, line_of(tiny, "interval_s"), "scaling.interval_s",
               "at least 0.001 s");
  auto headroom = scaling("policy = \"oracle\"\nheadroom = 0.5");
  expect_error(headroom, line_of(headroom, "headroom"), "scaling.headroom",
               "at least 1");
  auto typo = scaling("policy = \"seed\"\ncoldstart_s = 3");
  expect_error(typo, line_of(typo, "coldstart_s"), "scaling.coldstart_s",
               "unknown key");
  auto batching = replace(good, "max_batch = 4", "max_batch = 4\nbatching = \"full\"");
  expect_error(batching, line_of(batching, "full"), "stages.a.batching",
               "unknown batching policy 'full' (known: greedy, fill, delay, "
               "aimd, deadline, upstream)");
  auto undelayed = replace(good, "max_batch = 4",
                           "max_batch = 4\nbatching = \"delay\"");
  expect_error(undelayed, line_of(undelayed, "delay"), "stages.a.batching",
               "needs max_queue_delay_ms");
  auto stray = replace(good, "max_batch = 4",
                       "max_batch = 4\nmax_queue_delay_ms = 2");
  expect_error(stray, line_of(stray, "max_queue_delay_ms"),
               "stages.a.max_queue_delay_ms", "applies to batching = \"delay\"");
  auto good_scaling = dir.write("ok.toml",
                                scaling("policy = \"tuner\"\nmargin = 0"));
  auto sc = load_scenario(good_scaling);
  BOOST_CHECK(sc.scaling.policy == scaling_kind::tuner);
  BOOST_CHECK_EQUAL(sc.scaling.margin, 0u);
  BOOST_CHECK(sc.scaling.cold_start == std::chrono::seconds(3));
  auto exact = dir.write("exact.toml",
                         scaling("policy = \"seed\"\ninterval_s = 0.3\n"
                                 "overhead_ms = 2.5"));
  auto in_ns = load_scenario(exact).scaling;
  BOOST_CHECK_EQUAL(in_ns.interval.count(), 300'000'000);
  BOOST_CHECK_EQUAL(in_ns.overhead.count(), 2'500'000);
}

BOOST_AUTO_TEST_CASE(wave_workloads_need_their_coefficients) {
  auto wave = replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"",
                      "kind = \"wave\"\nk1 = 10\nk2 = 5");
  expect_error(wave, line_of(wave, "kind = \"wave\"") - 1, "workload.k3",
               "missing required key");
  auto step = replace(good, "kind = \"deltas\"\nfile = \"gaps.deltas\"",
                      "kind = \"wave\"\nk1 = 10\nk2 = 5\nk3 = 50\n"
                      "step_s = 0");
  expect_error(step, line_of(step, "step_s"), "workload.step_s",
               "must be positive");
}

BOOST_AUTO_TEST_SUITE_END()
