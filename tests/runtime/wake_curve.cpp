#include <boost/test/unit_test.hpp>

#include <random>

#include "models/durations.hpp"
#include "models/poll_window.hpp"
#include "runtime/wake_curve.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// A batch dispatched to a waiting replica after `wait_ms`, reaching it in
/// `handoff_ms` (served_pass's wait includes the hand-off).
served_pass woken(double wait_ms, double handoff_ms) {
  served_pass pass;
  pass.wait_ms = wait_ms + handoff_ms;
  pass.handoff_ms = handoff_ms;
  return pass;
}

served_pass sent_ahead(double handoff_ms) {
  served_pass pass;
  pass.sent_ahead = true;
  pass.wait_ms = handoff_ms;
  pass.handoff_ms = handoff_ms;
  return pass;
}

/// A machine whose cores poll up to 200 us, as poll_window keeps them: a
/// batch that finds the core polling arrives in 17 us (+-1), one that wakes
/// it in 50 us plus 10 us per ms of waiting (+-2). Waits come in spells of
/// brief ones (20 to 190 us, batches back to back) and long ones (0.4 to
/// 3 ms), so that the window opens and closes.
std::vector<served_pass> serving_run(uint32_t seed, size_t batches) {
  std::mt19937 gen{seed};
  std::uniform_real_distribution<double> brief{0.02, 0.19};
  std::uniform_real_distribution<double> long_wait{0.4, 3.0};
  std::uniform_real_distribution<double> noise{-1, 1};
  poll_window window{200us};
  std::vector<served_pass> passes;
  for (size_t i = 0; i < batches; ++i) {
    if (i % 10 == 9) {
      passes.push_back(sent_ahead(0.014));
      continue;
    }
    auto spell_of_brief = (i / 40) % 2 == 0;
    auto wait_ms = spell_of_brief ? brief(gen) : long_wait(gen);
    auto handoff_ms = window.polled(from_ms(wait_ms))
                        ? 0.017 + 0.001 * noise(gen)
                        : 0.050 + 0.010 * wait_ms + 0.002 * noise(gen);
    passes.push_back(woken(wait_ms, handoff_ms));
  }
  return passes;
}

/// The scheduler's core on the same machine: it wakes for messages whose
/// hand-off is not measured (a send, a request reaching the frontend),
/// after brief waits (20 to 190 us) in one spell and long ones (0.4 to
/// 3 ms) in the next, and every fourth time for results, 40 to 60 us after
/// the message before; they take 17 us +-1 where the core polled, 50 us +-2
/// where it slept. Every wake adapts its poll.
std::vector<woken_message> scheduler_day(uint32_t seed, size_t results) {
  std::mt19937 gen{seed};
  std::uniform_real_distribution<double> brief{0.02, 0.19};
  std::uniform_real_distribution<double> long_wait{0.4, 3.0};
  std::uniform_real_distribution<double> soon{0.04, 0.06};
  std::uniform_real_distribution<double> noise{-1, 1};
  poll_window window{200us};
  std::vector<woken_message> day;
  for (size_t i = 0; i < 4 * results; ++i) {
    if (i % 4 == 3) {
      auto wait_ms = soon(gen);
      auto polled = window.polled(from_ms(wait_ms));
      day.push_back({wait_ms, polled ? 0.017 + 0.001 * noise(gen)
                                     : 0.050 + 0.002 * noise(gen)});
      continue;
    }
    auto wait_ms = (i / 80) % 2 == 0 ? brief(gen) : long_wait(gen);
    window.polled(from_ms(wait_ms));
    day.push_back({wait_ms, 0, false});
  }
  return day;
}

} // namespace

BOOST_AUTO_TEST_SUITE(wake_curves)

BOOST_AUTO_TEST_CASE(a_core_polls_longer_after_brief_waits_and_less_after_long) {
  poll_window window{200us};
  // Closed at first: the first brief wait opens it at 10 us.
  BOOST_CHECK(!window.polled(30us));
  BOOST_CHECK(window.window() == 10us);
  BOOST_CHECK(!window.polled(30us));
  BOOST_CHECK(window.window() == 20us);
  BOOST_CHECK(!window.polled(30us));
  BOOST_CHECK(window.window() == 40us);
  // Within the window: polled, and the window stays.
  BOOST_CHECK(window.polled(30us));
  BOOST_CHECK(window.window() == 40us);
  // Doubling stops at the longest.
  for (int i = 0; i < 5; ++i)
    window.polled(190us);
  BOOST_CHECK(window.window() == 200us);
  BOOST_CHECK(window.polls_through(190us));
  // A wait beyond the longest halves it.
  BOOST_CHECK(!window.polled(1ms));
  BOOST_CHECK(window.window() == 100us);
  // A core that never polls.
  poll_window never;
  BOOST_CHECK(!never.polled(1us));
  BOOST_CHECK(never.window() == 0us);
}

BOOST_AUTO_TEST_CASE(the_fit_finds_the_poll_the_two_kinds_and_the_curve) {
  auto fit = fit_replica_wake({serving_run(1, 2000), serving_run(2, 2000)});
  BOOST_CHECK(fit.poll.longest == 200us);
  BOOST_CHECK_CLOSE(to_ms(fit.poll.polled), 0.017, 5);
  BOOST_REQUIRE_GE(fit.curve.size(), 3u);
  // Sent ahead at wait 0.
  BOOST_CHECK(fit.curve.front().wait == 0us);
  BOOST_CHECK_CLOSE(to_ms(fit.curve.front().handoff), 0.014, 1);
  // Then the cores that slept: 50 us and 10 us per ms of waiting, by wait.
  for (size_t i = 1; i < fit.curve.size(); ++i) {
    auto wait_ms = to_ms(fit.curve[i].wait);
    BOOST_CHECK_CLOSE(to_ms(fit.curve[i].handoff), 0.050 + 0.010 * wait_ms,
                      6);
    BOOST_CHECK(fit.curve[i].wait > fit.curve[i - 1].wait);
    BOOST_CHECK(fit.curve[i].handoff >= fit.curve[i - 1].handoff);
  }
}

BOOST_AUTO_TEST_CASE(stalls_do_not_hide_the_poll) {
  // One woken batch in ten meets a stall of 1 to 2 ms: the two kinds
  // are still the poll's.
  std::mt19937 gen{6};
  std::uniform_real_distribution<double> stall{1.0, 2.0};
  std::vector<std::vector<served_pass>> runs{serving_run(1, 2000),
                                             serving_run(2, 2000)};
  for (auto& run : runs)
    for (size_t i = 0; i < run.size(); i += 10) {
      auto wait_ms = run[i].wait_ms - run[i].handoff_ms;
      run[i] = woken(wait_ms, stall(gen));
    }
  auto fit = fit_replica_wake(runs);
  BOOST_CHECK(fit.poll.longest == 200us);
  BOOST_CHECK_CLOSE(to_ms(fit.poll.polled), 0.017, 5);
}

BOOST_AUTO_TEST_CASE(one_kind_of_hand_off_has_no_poll) {
  // Every woken batch alike: 50 us +-2, whatever the wait.
  std::mt19937 gen{3};
  std::uniform_real_distribution<double> wait{0.02, 2.0};
  std::uniform_real_distribution<double> noise{-1, 1};
  std::vector<served_pass> passes;
  for (int i = 0; i < 400; ++i)
    passes.push_back(woken(wait(gen), 0.050 + 0.002 * noise(gen)));
  auto fit = fit_replica_wake({passes});
  BOOST_CHECK(!fit.poll.modelled());
  // No batch sent ahead: no point at wait 0; eight groups of 50.
  BOOST_REQUIRE_EQUAL(fit.curve.size(), 8u);
  BOOST_CHECK(fit.curve.front().wait > 0us);
  for (const auto& point : fit.curve)
    BOOST_CHECK_CLOSE(to_ms(point.handoff), 0.050, 5);
  // The groups' medians wobble; the curve does not fall with the wait.
  for (size_t i = 1; i < fit.curve.size(); ++i)
    BOOST_CHECK(fit.curve[i].handoff >= fit.curve[i - 1].handoff);
}

BOOST_AUTO_TEST_CASE(messages_to_the_scheduler_have_no_point_sent_ahead) {
  // The results' hand-offs to the scheduler's core: 50 us plus 20 us per
  // ms of its wait (+-1), none sent ahead.
  std::mt19937 gen{4};
  std::uniform_real_distribution<double> wait{0.005, 1.0};
  std::uniform_real_distribution<double> noise{-1, 1};
  std::vector<woken_message> results;
  for (int i = 0; i < 600; ++i) {
    auto wait_ms = wait(gen);
    results.push_back({wait_ms, 0.050 + 0.020 * wait_ms + 0.001 * noise(gen)});
  }
  auto fit = fit_wake({}, {results});
  BOOST_CHECK(!fit.poll.modelled());
  BOOST_REQUIRE_EQUAL(fit.curve.size(), 8u);
  BOOST_CHECK(fit.curve.front().wait > 0us);
  for (const auto& point : fit.curve)
    BOOST_CHECK_CLOSE(to_ms(point.handoff), 0.050 + 0.020 * to_ms(point.wait),
                      5);
}

BOOST_AUTO_TEST_CASE(every_wake_up_adapts_the_poll_that_the_fit_replays) {
  auto day = scheduler_day(7, 1000);
  auto fit = fit_wake({}, {day});
  BOOST_CHECK(fit.poll.modelled());
  BOOST_CHECK_CLOSE(to_ms(fit.poll.polled), 0.017, 5);
  // Replayed on the results alone, whose waits are alike, the window tells
  // nothing apart.
  std::vector<woken_message> results_only;
  for (const auto& m : day)
    if (m.measured)
      results_only.push_back(m);
  BOOST_CHECK(!fit_wake({}, {results_only}).poll.modelled());
}

BOOST_AUTO_TEST_CASE(a_tail_and_stalls_are_no_second_kind) {
  // Results that all wake a sleeping core, 60 us +-2, but one in twenty
  // takes 150 to 300 us and one in fifty meets a stall of a millisecond or
  // two: neither is a poll's faster kind, nor a kind of its own.
  std::mt19937 gen{5};
  std::uniform_real_distribution<double> wait{0.02, 1.0};
  std::uniform_real_distribution<double> noise{-1, 1};
  std::uniform_real_distribution<double> tail{0.15, 0.3};
  std::uniform_real_distribution<double> stall{1.0, 2.0};
  std::vector<woken_message> results;
  for (int i = 0; i < 1000; ++i) {
    auto handoff_ms = i % 50 == 7   ? stall(gen)
                      : i % 20 == 3 ? tail(gen)
                                    : 0.060 + 0.002 * noise(gen);
    results.push_back({wait(gen), handoff_ms});
  }
  auto fit = fit_wake({}, {results});
  BOOST_CHECK(!fit.poll.modelled());
  BOOST_REQUIRE(!fit.curve.empty());
  for (const auto& point : fit.curve)
    BOOST_CHECK_CLOSE(to_ms(point.handoff), 0.060, 5);
}

BOOST_AUTO_TEST_CASE(too_few_woken_batches_give_no_curve) {
  std::vector<served_pass> passes(100, sent_ahead(0.014));
  for (int i = 0; i < 29; ++i)
    passes.push_back(woken(0.5, 0.05));
  auto fit = fit_replica_wake({passes});
  BOOST_CHECK(fit.curve.empty());
  BOOST_CHECK(!fit.poll.modelled());
}

BOOST_AUTO_TEST_SUITE_END()
