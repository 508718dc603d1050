#include <boost/test/unit_test.hpp>

#include <chrono>
#include <vector>

#include "models/durations.hpp"
#include "models/machine_stalls.hpp"
#include "models/service_time_model.hpp"
#include "runtime/stall_fit.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// Two stalls a second of exactly 4 ms: 0.8% of a core's time.
const stall_time every_half_second{2, {4ms}};

/// The stalls of one path up to `until`, found by stretching 1 ns of work
/// from every microsecond on: a stall under way makes it wait to its end.
std::vector<std::pair<caf::timespan, caf::timespan>>
stalls_of(machine_stalls& path, caf::timespan until) {
  std::vector<std::pair<caf::timespan, caf::timespan>> found;
  for (auto t = caf::timespan{0}; t < until; t += 1us) {
    auto took = path.stretch(t, 1ns);
    if (took > 1ns) {
      auto end = t + took - 1ns;
      found.emplace_back(t, end);
      t = end;
    }
  }
  return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(machine_stalls_tests)

BOOST_AUTO_TEST_CASE(without_stalls_work_takes_its_own_time) {
  machine_stalls none;
  BOOST_CHECK(!none.modelled());
  BOOST_CHECK(none.stretch(5ms, 3ms) == 3ms);
  BOOST_CHECK_EQUAL(stall_time{}.share(), 0.0);
}

BOOST_AUTO_TEST_CASE(work_waits_out_the_stalls_it_meets) {
  machine_stalls path{7, every_half_second};
  auto stalls = stalls_of(path, 3s);
  // About two a second, each exactly 4 ms.
  BOOST_REQUIRE_GE(stalls.size(), 2u);
  BOOST_CHECK_LE(stalls.size(), 16u);
  // Each found within the microsecond after it began.
  for (const auto& [begin, end] : stalls) {
    BOOST_CHECK(end - begin > 4ms - 1us);
    BOOST_CHECK(end - begin <= 4ms);
  }
  machine_stalls walk{7, every_half_second};
  auto [begin, end] = stalls.front();
  // Work that ends before the stall begins takes its own time.
  BOOST_CHECK(walk.stretch(begin - 2ms, 1ms) == 1ms);
  // Work that runs into it waits it out: 4 ms more.
  BOOST_CHECK(walk.stretch(begin - 1ms, 2ms) == 6ms);
  // Work that starts inside it waits for its end first.
  auto inside = begin + 1ms;
  BOOST_CHECK(walk.stretch(inside, 1ms) == (end - inside) + 1ms);
  // An earlier start walks again from zero: the same path.
  BOOST_CHECK(walk.stretch(begin - 1ms, 2ms) == 6ms);
}

BOOST_AUTO_TEST_CASE(a_path_is_its_seed_s) {
  machine_stalls a{3, every_half_second};
  machine_stalls b{3, every_half_second};
  machine_stalls c{4, every_half_second};
  auto sa = stalls_of(a, 2s);
  BOOST_CHECK(sa == stalls_of(b, 2s));
  BOOST_CHECK(sa != stalls_of(c, 2s));
}

BOOST_AUTO_TEST_CASE(stalls_take_their_share_of_a_core_over_a_long_run) {
  // 20 a second of 1 to 3 ms, evenly (mean 2 ms): 4% of a core's time.
  stall_time busy{20, {1ms, 2ms, 3ms}};
  BOOST_CHECK_CLOSE(busy.share(), 0.04, 1e-9);
  machine_stalls path{11, busy};
  // 100 s of work in 1 ms pieces, back to back.
  auto t = caf::timespan{0};
  for (int i = 0; i < 100000; ++i)
    t += path.stretch(t, 1ms);
  // The gaps between stalls are the core's own time: 2,000 stalls of 2 ms
  // in 100 s of work (within sampling).
  BOOST_CHECK_CLOSE(to_seconds(t), 104.0, 1.0);
}

BOOST_AUTO_TEST_CASE(a_core_meets_its_share_of_the_path_s_stalls) {
  stall_time busy{20, {1ms, 2ms, 3ms}};
  // 100 s of work in 1 ms pieces, meeting all, half or none of the stalls.
  auto run = [&](double met) {
    machine_stalls path{11, busy};
    auto t = caf::timespan{0};
    for (int i = 0; i < 100000; ++i)
      t += path.stretch(t, 1ms, met);
    return to_seconds(t);
  };
  BOOST_CHECK_CLOSE(run(1), 104.0, 1.0);
  BOOST_CHECK_CLOSE(run(0.5), 102.0, 1.0);
  BOOST_CHECK_EQUAL(run(0), 100.0);
  // The stalls met at a share are among those met at a larger one: the
  // path is the same, each stall met below a draw of its own.
  machine_stalls all{5, busy};
  machine_stalls some{5, busy};
  for (auto t = caf::timespan{0}; t < 10s; t += 1ms) {
    auto took_some = some.stretch(t, 1us, 0.3);
    if (took_some > 1us)
      BOOST_CHECK(all.stretch(t, 1us, 0.6) == took_some);
  }
}

BOOST_AUTO_TEST_CASE(a_measured_tail_draws_stalls_beyond_the_longest_read) {
  // Three durations read: without a tail every draw lies between them;
  // with one, a quarter lie beyond the longest, Pareto from it (of index
  // 3: one in 8 of those beyond twice its length), none beyond
  // longest_stall.
  stall_time read{20, {1ms, 2ms, 3ms}};
  auto tailed = read;
  tailed.tail_index = 3;
  size_t n = 200000;
  size_t beyond = 0;
  size_t beyond_twice = 0;
  double sum_ns = 0;
  caf::timespan longest{0};
  for (size_t i = 0; i < n; ++i) {
    auto q = (double(i) + 0.5) / double(n);
    BOOST_CHECK(stall_duration_at(read, q) <= 3ms);
    auto d = stall_duration_at(tailed, q);
    beyond += d > 3ms ? 1 : 0;
    beyond_twice += d > 6ms ? 1 : 0;
    sum_ns += double(d.count());
    longest = std::max(longest, d);
  }
  BOOST_CHECK_CLOSE(double(beyond) / double(n), 0.25, 1);
  BOOST_CHECK_CLOSE(double(beyond_twice) / double(beyond), 0.125, 2);
  BOOST_CHECK(longest <= longest_stall);
  BOOST_CHECK(stall_duration_at(tailed, 1) == longest_stall);
  // The body keeps its points: the shortest at 0, the longest at 3 / 4.
  BOOST_CHECK(stall_duration_at(tailed, 0) == 1ms);
  BOOST_CHECK(stall_duration_at(tailed, 0.375) == 2ms);
  BOOST_CHECK(stall_duration_at(tailed, 0.75) == 3ms);
  // The mean (and so the share of a core) is the draws' mean: 2 ms for
  // three quarters, 4.5 ms less the cut for the quarter beyond.
  BOOST_CHECK_CLOSE(sum_ns / double(n), mean_duration_ns(tailed.durations, 3),
                    0.5);
  BOOST_CHECK_CLOSE(mean_duration_ns(tailed.durations, 3) / 1e6,
                    0.75 * 2 + 0.25 * (3 + 1.5 * (1 - 0.03 * 0.03)), 1e-6);
  BOOST_CHECK_CLOSE(tailed.share(), 20 * 2.6246625e-3, 1e-6);
  // A point read beyond longest_stall stays the longest.
  stall_time beyond_cut{1, {200ms}, {}, 3};
  BOOST_CHECK(stall_duration_at(beyond_cut, 0.99) == 200ms);
}

BOOST_AUTO_TEST_CASE(stalls_read_as_rate_range_median_and_share) {
  stall_time busy{20, {1ms, 2ms, 3500us}};
  BOOST_CHECK_EQUAL(to_string(busy),
                    "20.0 a second, 1.00 to 3.50 ms (median 2.00 "
                    "ms), 4.25% of a core's time");
  BOOST_CHECK_EQUAL(to_string(stall_time{}), "none");
}

BOOST_AUTO_TEST_CASE(bursts_bring_stalls_close_and_keep_their_rate) {
  // 20 stalls a second of 0.1 ms (a mean gap of 50 ms); with bursts, 60%
  // of the gaps 2 ms, 4 in a row on average, the calm ones 122 ms.
  stall_time alone{20, {100us}};
  auto bursty = alone;
  bursty.bursts = {0.6, 2ms, 4};
  BOOST_CHECK(burst_conflict(bursty.bursts, bursty.per_s).empty());
  BOOST_CHECK_EQUAL(to_string(bursty),
                    "20.0 a second, 0.10 to 0.10 ms (median 0.10 ms), 0.20% "
                    "of a core's time, in bursts of 5.0 stalls 2.00 ms apart: "
                    "60% of the gaps");
  auto short_gaps = [](const stall_time& time) {
    machine_stalls path{5, time};
    // Stalls of 0.1 ms, found by looking every 50 us.
    std::vector<caf::timespan> begins;
    for (auto t = caf::timespan{0}; t < 100s; t += 50us)
      if (path.stretch(t, 1ns) > 1ns) {
        begins.push_back(t);
        t += 100us;
      }
    size_t within_10ms = 0;
    for (size_t i = 1; i < begins.size(); ++i)
      within_10ms += begins[i] - begins[i - 1] < 10ms;
    auto found = double(begins.size());
    return std::pair{begins.size(), double(within_10ms) / found};
  };
  auto [poisson_count, poisson_close] = short_gaps(alone);
  auto [burst_count, burst_close] = short_gaps(bursty);
  // Both about 2,000 in 100 s.
  BOOST_CHECK_CLOSE(double(poisson_count), 2000, 10);
  BOOST_CHECK_CLOSE(double(burst_count), 2000, 15);
  // Within 10 ms of the one before: 18% of exponential gaps at 50 ms;
  // with bursts the 60% in them and 8% of the calm ones.
  BOOST_CHECK_CLOSE(poisson_close, 0.18, 15);
  BOOST_CHECK_CLOSE(burst_close, 0.63, 10);
  // Without bursts a path is the one it always was (no draw for a state).
  machine_stalls a{5, alone};
  auto with_none = alone;
  with_none.bursts = {};
  machine_stalls b{5, with_none};
  BOOST_CHECK(stalls_of(a, 1s) == stalls_of(b, 1s));
}

BOOST_AUTO_TEST_CASE(only_lognormal_draws_meet_stalls) {
  service_time_spec spec;
  spec.seed = 1;
  spec.stalls = stall_time{1000, {1ms}};
  spec.scheduler_stalls = spec.stalls;
  service_time_model mean_model{spec};
  // A stall every millisecond of 1 ms: 1 s of work cannot pass unstalled.
  BOOST_CHECK(mean_model.on_own_core(0s, 1s) == 1s);
  BOOST_CHECK(mean_model.on_scheduler(0s, 1s) == 1s);
  spec.kind = service_time_kind::lognormal;
  service_time_model lognormal_model{spec};
  BOOST_CHECK(lognormal_model.on_own_core(0s, 1s) > 1500ms);
  BOOST_CHECK(lognormal_model.on_scheduler(0s, 1s) > 1500ms);
}

BOOST_AUTO_TEST_CASE(the_scheduler_s_stalls_are_the_run_s) {
  // Two replicas of a run: their own cores stall apart, the scheduler's
  // core alike for both.
  service_time_spec a;
  a.kind = service_time_kind::lognormal;
  a.seed = 1;
  a.spell_seed = 9;
  a.stalls = stall_time{20, {2ms}};
  a.scheduler_stalls = a.stalls;
  auto b = a;
  b.seed = 2;
  service_time_model x{a};
  service_time_model y{b};
  int same_own = 0;
  int same_scheduler = 0;
  for (int i = 0; i < 1000; ++i) {
    auto t = caf::timespan{std::chrono::milliseconds{i}};
    same_own += x.on_own_core(t, 1ms) == y.on_own_core(t, 1ms);
    same_scheduler += x.on_scheduler(t, 1ms) == y.on_scheduler(t, 1ms);
  }
  BOOST_CHECK_EQUAL(same_scheduler, 1000);
  // Stalls take about 4% of each: their own cores differ about twice that.
  BOOST_CHECK_LT(same_own, 990);
}

BOOST_AUTO_TEST_CASE(marks_are_delays_well_beyond_the_median) {
  // Half a millisecond beyond the median, and at least the median.
  BOOST_CHECK(marks_stall(0.55, 0.03));
  BOOST_CHECK(!marks_stall(0.5, 0.03));
  BOOST_CHECK(!marks_stall(8, 5));
  BOOST_CHECK(marks_stall(10, 5));
}

BOOST_AUTO_TEST_CASE(marks_that_overlap_are_one_stall) {
  auto ms = [](double x) { return from_ms(x); };
  // Core 0: a 4 ms stall marked three times (each mark within the delay
  // of the one before), then a 1 ms stall. Core 1: one 2 ms stall.
  std::vector<std::vector<core_delay>> cores{
    {{ms(100), 4}, {ms(101), 3}, {ms(103.5), 0.6}, {ms(500), 1}},
    {{ms(900), 2}}};
  auto fit = fit_stalls(cores, 2s);
  // Three stalls in 2 s of each of two cores.
  BOOST_CHECK_CLOSE(fit.per_s, 0.75, 1e-9);
  BOOST_REQUIRE_EQUAL(fit.durations.size(), 3u);
  BOOST_CHECK(fit.durations[0] == 1ms);
  BOOST_CHECK(fit.durations[1] == 2ms);
  BOOST_CHECK(fit.durations[2] == 4ms);
  // A mark past the last one's delay is a stall of its own.
  cores[0].push_back({ms(104.5), 0.7});
  BOOST_CHECK_EQUAL(fit_stalls(cores, 2s).durations.size(), 4u);
  // No marks: not modelled.
  BOOST_CHECK(!fit_stalls({{}, {}}, 2s).modelled());
  // Nor in a run too short to tell a rate.
  BOOST_CHECK(!fit_stalls(cores, 999ms).modelled());
  BOOST_CHECK(fit_stalls(cores, 1s).modelled());
}

BOOST_AUTO_TEST_CASE(many_stalls_keep_their_quantiles) {
  std::vector<core_delay> marks;
  // 100 stalls of 1 to 100 ms (apart by far more than their delays).
  for (int i = 1; i <= 100; ++i)
    marks.push_back({std::chrono::seconds{i}, double(i)});
  auto fit = fit_stalls({marks}, 200s, 4);
  BOOST_CHECK_CLOSE(fit.per_s, 0.5, 1e-9);
  // Four points hold the quantiles up to 4 / 5 and the tail the rest: by
  // rank, evenly from the shortest to the one at 101 * 4 / 5: the 1st,
  // 28th, 54th and 81st.
  BOOST_REQUIRE_EQUAL(fit.durations.size(), 4u);
  BOOST_CHECK(fit.durations[0] == 1ms);
  BOOST_CHECK(fit.durations[1] == 28ms);
  BOOST_CHECK(fit.durations[2] == 54ms);
  BOOST_CHECK(fit.durations[3] == 81ms);
  BOOST_CHECK_EQUAL(fit.tail_index, measured_stall_tail_index);
  // Fewer stalls than points: every one, the longest the last.
  auto all = fit_stalls({marks}, 200s, 200);
  BOOST_REQUIRE_EQUAL(all.durations.size(), 100u);
  BOOST_CHECK(all.durations.back() == 100ms);
}

BOOST_AUTO_TEST_CASE(one_long_stall_among_many_short_ones_stays_rare) {
  // 200 stalls of 1 ms and one of 16 ms, a second apart: their mean is
  // 1.07 ms. Virtual time draws between the fit's points, so a last step
  // from 1 ms to 16 ms that holds a large share of the draws would make
  // the long stall common.
  std::vector<core_delay> marks;
  for (int i = 0; i < 201; ++i)
    marks.push_back({std::chrono::seconds{i}, i == 100 ? 16.0 : 1.0});
  auto fit = fit_stalls({marks}, 201s);
  // One stall a second of 1.07 ms on average: 0.107% of the core.
  auto measured = (200 * 1.0 + 16.0) / 201 / 1000;
  BOOST_CHECK_CLOSE(fit.share(), measured, 12.0);
}

BOOST_AUTO_TEST_SUITE_END()
