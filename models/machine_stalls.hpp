#pragma once

// A machine's stalls in virtual time. On a shared host, at busy hours, a
// serving thread now and then waits for its core for a millisecond or
// more (another tenant's slice, the kernel's 4 ms tick; threads of the run
// itself that share a core): whatever runs on that core waits too, a
// forward pass under way, a replica's wake-up, the client's timer, and so
// does every request that arrives meanwhile. In a real run of the small
// CNN at 2,800 q/s, the requests past the p99 (4.1 ms, where virtual time
// drew 2.6 to 2.9 ms) came in 33 bursts in 10 s, the largest of 49
// requests; independent draws, even with a spell's correlation, never
// delay a burst that way.
//
// Stalls are a path in time like a spell (models/machine_spell.hpp): one
// per replica's core, and one for the scheduler's that the client's timer
// and every replica's results share (each walks its own copy from the
// run's seed), walked from time zero, so a run is the same however its
// events interleave. A stall starts after an exponential gap (the measured
// rate) and lasts a duration drawn from the measured quantiles (linear
// between them; beyond the longest, a measured profile's tail). At a
// busy hour stalls also come in bursts, a few milliseconds apart, between
// calm stretches (`stall_bursts`): then the gaps follow a chain of two
// states, a burst's and a calm stretch's, each with its own mean gap.
// Work on a stalled core waits for the stall to end: `stretch` turns work
// into the wall time it takes from a moment on.
// runtime/stall_fit.hpp says how a profile measures them.

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

namespace troupe {

/// The most stalls a profile may hold: one every 100 us, taking half a
/// core's time (beyond, work would hardly move).
constexpr double max_stalls_per_s = 10000;
constexpr double max_stall_share = 0.5;

/// How stalls cluster: a `share` of the gaps between them are bursts',
/// `gap` on average (from a stall's end to the next one's start), in runs
/// of `gaps_per_burst` on average (a burst of k gaps holds k + 1 stalls);
/// the other gaps are longer, so that the rate stays the profile's. Over
/// the stalls a two-state chain: the gap after a stall is exponential with
/// its state's mean, a burst goes on with probability
/// 1 - 1 / gaps_per_burst, and a calm stretch turns into a burst as often
/// as keeps `share`. Seven profiles of the small CNN at a busy hour found
/// bursts on 13 of their 14 cores: 23% to 70% of the gaps, 0.7 to 8 ms
/// each, in bursts of 2.4 to 12.6 stalls, where the calm gaps were 47 to
/// 141 ms. Exponential gaps at one rate count stalls in 10 ms windows with
/// a variance equal to their mean; real runs had 1.5 to 4 times it.
struct stall_bursts {
  double share = 0;
  caf::timespan gap{0};
  double gaps_per_burst = 0;

  bool modelled() const {
    return share > 0;
  }
};

inline bool operator==(const stall_bursts& x, const stall_bursts& y) {
  return x.share == y.share && x.gap == y.gap
         && x.gaps_per_burst == y.gaps_per_burst;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stall_bursts& x) {
  return f(caf::meta::type_name("stall_bursts"), x.share, x.gap,
           x.gaps_per_burst);
}

/// Why `bursts` cannot go with stalls at `per_s` a second (the calm gaps
/// would be no longer than a burst's, or calm stretches would have to turn
/// into bursts more than once a stall); empty when they can.
std::string burst_conflict(const stall_bursts& bursts, double per_s);

/// A machine's stalls as a profile holds them: how often a core is taken
/// (per second of its own time), and for how long: n durations, sorted
/// (the shortest to the longest: the longest stalls set a run's tail),
/// drawn as duration_at says; whether they come in bursts.
struct stall_time {
  double per_s = 0;
  std::vector<caf::timespan> durations;
  stall_bursts bursts{};
  /// The index of the tail beyond the longest duration (0: none, the
  /// durations are the quantiles k / (n - 1); measured_stall_tail_index).
  double tail_index = 0;

  bool modelled() const {
    return per_s > 0 && !durations.empty();
  }

  /// The share of a core's time that stalls take (0 when not modelled).
  double share() const;
};

inline bool operator==(const stall_time& x, const stall_time& y) {
  return x.per_s == y.per_s && x.durations == y.durations
         && x.bursts == y.bursts && x.tail_index == y.tail_index;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stall_time& x) {
  return f(caf::meta::type_name("stall_time"), x.per_s, x.durations,
           x.bursts, x.tail_index);
}

/// The tail of a core's stalls beyond the longest that a profile read.
/// A serving run that read n stalls holds n durations; a run five times
/// as long meets a longer stall than all of them five times in six,
/// whatever their distribution, and virtual time that drew only between
/// the points read never did: 84% of 104 real runs of the bench (10 s)
/// met a longer stall on the scheduler's core than their profile's
/// serving run (2 s) had read (a replica's core: 67%), 2.1x as long at
/// the median (1.4x), and none of their virtual runs did. So a profile
/// measures n durations as the quantiles up to n / (n + 1), and the rest
/// lie beyond the longest, Pareto from it with this index, which
/// predicted those runs' longest stall from their profiles without bias
/// (the median of log(real / predicted) -0.08 on the replica's core,
/// +0.06 on the scheduler's, where drawing only between the points gave
/// +0.35 and +0.73); Hill's estimate over the stalls above the median of
/// two 23 s serving runs gave 2.3 to 4.9 on their four cores.
constexpr double measured_stall_tail_index = 3;

/// The longest stall virtual time draws: beyond the longest a real run
/// here ever read (96 ms, the scheduler's core at a busy hour).
constexpr caf::timespan longest_stall = std::chrono::milliseconds{100};

/// The share of the stalls that lies beyond the longest of `n` durations
/// where they have a tail: 1 / (n + 1).
inline double share_beyond_longest(size_t n) {
  return 1.0 / (static_cast<double>(n) + 1);
}

/// The duration at quantile `q` (0 to 1) of `x`'s stalls, as virtual time
/// draws them (duration_at; precondition: modelled).
caf::timespan stall_duration_at(const stall_time& x, double q);

/// The mean, in nanoseconds, of the durations that duration_at draws from
/// `durations` with `tail_index` (0 where there are none).
double mean_duration_ns(const std::vector<caf::timespan>& durations,
                        double tail_index = 0);

/// The duration at quantile `q` of the stalls whose n durations, sorted,
/// are `durations` (precondition: not empty). Without a tail (`tail_index`
/// 0) linear between them, from the shortest at 0 to the longest at 1.
/// With one, linear between them up to the quantile n / (n + 1), and
/// beyond Pareto from the longest with that index (> 1), at most
/// longest_stall.
caf::timespan duration_at(const std::vector<caf::timespan>& durations,
                          double q, double tail_index = 0);

/// "12.0 a second, 0.51 to 3.54 ms (median 0.90 ms), 1.95% of a
/// core's time" (and ", in bursts of 3.1 stalls 2.40 ms apart: 45% of
/// the gaps" where they come in bursts); "none" when not modelled.
std::string to_string(const stall_time& x);

/// Of two measurements on one machine, the one whose stalls take more time.
inline stall_time busier(const stall_time& x, const stall_time& y) {
  return y.share() > x.share() ? y : x;
}

class machine_stalls {
public:
  /// No stalls: work takes its own time.
  machine_stalls() = default;

  /// One core's stalls, from its seed. Precondition: durations sorted and
  /// positive, bursts that go with the rate (burst_conflict).
  machine_stalls(uint64_t seed, stall_time time);

  bool modelled() const {
    return time_.modelled();
  }

  /// The wall time that `work` takes from `start` on, waiting out every
  /// stall it meets (one under way at `start` included). Calls with an
  /// earlier `start` than the call before walk again from zero. A core
  /// that meets only a share `met` of the stalls (models/recent_sleep.hpp)
  /// meets each of the path's with that probability, by a draw of its own:
  /// the path is the same whatever shares the calls pass.
  caf::timespan stretch(caf::timespan start, caf::timespan work,
                        double met = 1);

private:
  struct stall {
    caf::timespan begin;
    caf::timespan end;
    /// Met by a core that meets a share above this (uniform, 0 to 1).
    double met_above;
  };

  stall_time time_;
  uint64_t seed_ = 0;
  std::mt19937_64 random_;
  /// Draws each stall's met_above, apart from random_ so that the path
  /// stays the one runs drew before shares were met.
  std::mt19937_64 met_random_;
  /// The stalls generated and not yet behind the last call's start.
  std::deque<stall> ahead_;
  caf::timespan last_start_{0};
  /// The end of the last stall generated.
  caf::timespan frontier_{0};
  /// Whether the last stall generated was in a burst.
  bool in_burst_ = false;

  void restart();
  void generate_next();
  caf::timespan draw_duration();
  /// The gap before the next stall, in seconds; moves the burst chain on.
  double draw_gap_s();
};

} // namespace troupe
