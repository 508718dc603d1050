#pragma once

// A model's measured behaviour on one kind of hardware (seed 002's profiles):
// rows of (batch size, p99 latency, throughput), sorted by batch size.
// Optionally a second set of rows for passes that follow an idle wait: on a
// CPU, a forward pass after the thread slept (its caches and, on a virtual
// machine, its core given away) takes longer than one right after another,
// up to twice as long for a small CNN. A replica below saturation mostly
// serves such passes; at saturation, back-to-back ones.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "models/machine_spell.hpp"
#include "models/machine_stalls.hpp"
#include "models/wake_stalls.hpp"

namespace troupe {

struct profile_row {
  uint32_t batch_size = 1;
  double p99_ms = 0;
  double throughput_qps = 0;
};

inline bool operator==(const profile_row& x, const profile_row& y) {
  return x.batch_size == y.batch_size && x.p99_ms == y.p99_ms
         && x.throughput_qps == y.throughput_qps;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_row& x) {
  return f(caf::meta::type_name("profile_row"), x.batch_size, x.p99_ms,
           x.throughput_qps);
}

/// A row for batch size `b`, rounded to what a profile file shows (0.1 us,
/// 0.1 q/s): measured rows are written and read back without change.
profile_row rounded_row(uint32_t b, double p99_ms, double throughput_qps);

/// `row` with its time scaled by `factor` (its throughput divided by it),
/// rounded as a file shows it.
profile_row scaled_row(const profile_row& row, double factor);

/// The runtime's hand-off between threads on some hardware, one way
/// (runtime/handoff_probe.hpp): a thread's wake-up, which real time pays
/// and virtual time models. Its tail matters as much as its median: an
/// occasional slow wake-up delays a batch like a slow forward pass does.
struct handoff_time {
  /// 0: not modelled.
  caf::timespan median{0};
  /// The 99th percentile (>= median); 0: not measured, every hand-off takes
  /// the median.
  caf::timespan p99{0};

  bool modelled() const {
    return median.count() > 0;
  }
};

inline bool operator==(const handoff_time& x, const handoff_time& y) {
  return x.median == y.median && x.p99 == y.p99;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, handoff_time& x) {
  return f(caf::meta::type_name("handoff_time"), x.median, x.p99);
}

/// The longer median and the longer p99 of two hand-offs.
inline handoff_time longer(const handoff_time& x, const handoff_time& y) {
  return {std::max(x.median, y.median), std::max(x.p99, y.p99)};
}

/// One point of a profile's idle curve: after an idle wait of `wait`, a
/// pass pays the rows' time and `share` of what the idle rows add to it,
/// and its p99 is the rows' p99 and `tail_share` of what the idle rows add
/// to that. What a wait costs grows with the wait (runtime/idle_curve.hpp).
struct idle_point {
  caf::timespan wait{0};
  /// At least 0; beyond 1 where a served pass took longer than the idle
  /// rows say.
  double share = 0;
  /// Likewise for the p99: served passes share two cores with the client's,
  /// the frontend's and the sink's threads, and their tail is longer than a
  /// loop's (a profile written without it has the share here).
  double tail_share = 0;
};

inline bool operator==(const idle_point& x, const idle_point& y) {
  return x.wait == y.wait && x.share == y.share
         && x.tail_share == y.tail_share;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idle_point& x) {
  return f(caf::meta::type_name("idle_point"), x.wait, x.share,
           x.tail_share);
}

/// One point of a wake curve (wake_time): a message to a core that had
/// waited `wait` reaches it `handoff` after it was sent, at the median.
struct wake_point {
  caf::timespan wait{0};
  caf::timespan handoff{0};
};

inline bool operator==(const wake_point& x, const wake_point& y) {
  return x.wait == y.wait && x.handoff == y.handoff;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wake_point& x) {
  return f(caf::meta::type_name("wake_point"), x.wait, x.handoff);
}

/// How a waiting core polls before it sleeps (models/poll_window.hpp): a
/// message that reaches it while it polls arrives `polled` after it was
/// sent; it polls for at most `longest`.
struct wake_poll_time {
  caf::timespan polled{0};
  caf::timespan longest{0};

  bool modelled() const {
    return longest.count() > 0;
  }
};

inline bool operator==(const wake_poll_time& x, const wake_poll_time& y) {
  return x.polled == y.polled && x.longest == y.longest;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wake_poll_time& x) {
  return f(caf::meta::type_name("wake_poll_time"), x.polled, x.longest);
}

/// What waking a core costs, measured in serving runs
/// (runtime/wake_curve.hpp): the hand-off of a message to a thread whose
/// core slept, by how long it waited (a core that slept longer wakes
/// later), and the poll before it sleeps. Charged at the median: a
/// hand-off's spread mixes the kinds (a core that polled, one that slept),
/// each of which varies far less.
struct wake_time {
  /// By increasing wait: between points linearly, the first point's before
  /// it, the last point's beyond it.
  std::vector<wake_point> curve;
  /// 0: no poll measured (every message pays the curve). Needs a curve.
  wake_poll_time poll{};
  /// The stalls a wake-up after a sleep past the poll meets
  /// (models/wake_stalls.hpp); not modelled: none.
  wake_stalls stalls{};

  bool modelled() const {
    return !curve.empty();
  }

  /// The curve's hand-off after a wait of `wait` (precondition: modelled).
  caf::timespan slept(caf::timespan wait) const;
};

inline bool operator==(const wake_time& x, const wake_time& y) {
  return x.curve == y.curve && x.poll == y.poll && x.stalls == y.stalls;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wake_time& x) {
  return f(caf::meta::type_name("wake_time"), x.curve, x.poll, x.stalls);
}

/// Of two measurements of one core's wake-ups, the longer hand-off at each
/// wait either has a point at (at wait 0 only those with a point there: a
/// replica's batch sent ahead), the longer poll and the busier wake
/// stalls.
wake_time longer(const wake_time& x, const wake_time& y);

struct profile {
  std::string hardware;
  /// Cost of one replica on this hardware (per run; InferLine's unit).
  double cost = 0;
  /// Sorted by strictly increasing batch size, starting at batch size 1;
  /// empty for "no profile" (a stage that takes no time).
  std::vector<profile_row> rows;
  /// The same batch sizes, measured on passes that follow an idle wait;
  /// empty when not measured (then `rows` hold for every pass).
  std::vector<profile_row> idle_rows;
  /// How the idle rows' extra time grows with the idle wait, by increasing
  /// wait (between points linearly, from no share at no wait; the last
  /// point's share beyond it). Empty: a pass after any idle wait takes the
  /// idle rows' time.
  std::vector<idle_point> idle_curve;
  /// The runtime's hand-off on this hardware: in virtual time, without
  /// scheduler wake-ups, a batch's results leave one hand-off after its
  /// service time, and, without wake-ups, a batch reaches an idle replica
  /// one hand-off after its dispatch.
  handoff_time handoff{};
  /// The hand-off to a replica whose core slept, by how long it waited; at
  /// wait 0, a batch sent ahead (the replica goes straight on). Not
  /// modelled: the handoff after any wait, and none for a batch sent
  /// ahead. Needs `handoff`.
  wake_time wake{};
  /// The results' hand-off to the scheduler's core (the sink, the next
  /// frontend), by how long that core had waited since the last message an
  /// actor there handled (models/scheduler_core.hpp); wait 0: it was busy.
  /// Not modelled: the handoff. Needs `handoff`.
  wake_time scheduler_wake{};
  /// The client's hop to a root stage's frontend on this hardware's
  /// machine (a message between two actors, cheaper than the hand-off to a
  /// replica's own thread): in virtual time a request reaches a root stage
  /// one client hop after it was sent.
  handoff_time client_hop{};
  /// The client's timer on this hardware's machine: in real time a client
  /// that sleeps until the next arrival wakes that long after it (a
  /// timer's wake-up, then a scheduler thread's: 40 to 180 us on a 2-core
  /// virtual machine), and the requests due meanwhile leave with it. In
  /// virtual time a root stage's client timer fires one such lateness
  /// after each arrival it waits for.
  handoff_time timer_late{};
  /// The machine's spells (models/machine_spell.hpp): how much of a pass's
  /// variance its moment sets, and how long a moment lasts; virtual time's
  /// lognormal draws (passes, hand-offs, the client's) share it.
  spell_time spell{};
  /// The machine's stalls (models/machine_stalls.hpp): how often a core
  /// stalls (another tenant, the kernel's tick), and for how long; in
  /// virtual time with lognormal draws, work on a replica's core and on the
  /// scheduler's waits them out.
  stall_time stalls{};
  /// The scheduler's core's stalls where measured apart from a replica's
  /// (`stalls`): the client's, the frontends' and the sink's threads share
  /// it, and at a busy hour the two cores' stalls differed by up to three
  /// times, either way round.
  stall_time scheduler_stalls{};
  /// The same batch sizes, for passes right after a batch of another size
  /// (runtime/switch_cost.hpp); empty when not measured (then a change of
  /// size costs nothing). The rows are passes right after one of the same
  /// size, and served near saturation, where greedy batching changes the
  /// size from one batch to the next four times in five, the small CNN's
  /// batch-1 passes took 15% longer after a batch of another size.
  std::vector<profile_row> switch_rows{};

  bool empty() const {
    return rows.empty();
  }

  /// Largest profiled batch size.
  uint32_t max_batch() const;

  /// The smallest row's batch size with the highest throughput among the
  /// rows whose p99 is at most `within_p99_ms` (0 where no row is). Where it
  /// is below max_batch(), a larger batch serves fewer
  /// requests a second and takes longer than two smaller ones: on a CPU,
  /// a batch whose activations outgrow the caches (on a 2-core machine the
  /// wide CNN's throughput fell by a quarter from batch 20 to 21, and the
  /// small CNN's by a sixth from 16 to 32 on a slow day).
  uint32_t peak_batch(
    double within_p99_ms = std::numeric_limits<double>::infinity()) const;

  /// Throughput at batch size b, linearly interpolated between rows (the
  /// idle rows' after an idle wait, where measured).
  /// Precondition: 1 <= b <= max_batch().
  double throughput_qps(uint32_t b, bool after_idle = false) const;

  /// P99 latency of a batch of b, interpolated likewise.
  double p99_ms(uint32_t b, bool after_idle = false) const;

  /// Time to serve a batch of b: s(b) = 1000 * b / thr(b) ms, rounded to the
  /// nanosecond. (Seed 002's notebook used 1000 / thr(b): a known bug.)
  caf::timespan service_time(uint32_t b, bool after_idle = false) const;

  /// The share of the idle rows' extra time that a pass pays after an idle
  /// wait of `idle` (0 right after another pass): 0 without idle rows, 1
  /// without an idle curve, else the curve's.
  double idle_share(caf::timespan idle) const;

  /// The share of the idle rows' extra p99 likewise, by the curve's tail
  /// shares.
  double idle_tail_share(caf::timespan idle) const;

  /// The service time of a batch of b after an idle wait of `idle`: the
  /// rows' and the idle rows' mean times, weighted by idle_share(idle).
  caf::timespan service_time_after(uint32_t b, caf::timespan idle) const;

  /// Its p99: the rows' and the idle rows' p99s, weighted by
  /// idle_tail_share(idle).
  double p99_ms_after(uint32_t b, caf::timespan idle) const;

  /// What a pass of b pays on top when the pass before it had another
  /// size: the switch rows' mean time over the rows' (0 without switch
  /// rows, never below 0).
  caf::timespan switch_extra(uint32_t b) const;

  /// Likewise for the p99, in ms.
  double switch_extra_p99_ms(uint32_t b) const;

  /// The hand-off that brings a batch to a replica whose core slept for
  /// `wait` since its last batch (0: sent ahead): the wake curve's median;
  /// without a curve the handoff itself; nothing for a batch sent ahead
  /// where neither has a point at wait 0.
  handoff_time handoff_after(caf::timespan wait) const;
};

/// The stalls that the scheduler's core meets in a run on `p`: its own
/// where measured, else a replica's core's.
inline const stall_time& scheduler_stall_time(const profile& p) {
  return p.scheduler_stalls.modelled() ? p.scheduler_stalls : p.stalls;
}

inline bool operator==(const profile& x, const profile& y) {
  return x.hardware == y.hardware && x.cost == y.cost && x.rows == y.rows
         && x.idle_rows == y.idle_rows && x.switch_rows == y.switch_rows
         && x.idle_curve == y.idle_curve
         && x.handoff == y.handoff && x.wake == y.wake
         && x.scheduler_wake == y.scheduler_wake && x.client_hop == y.client_hop
         && x.timer_late == y.timer_late && x.spell == y.spell
         && x.stalls == y.stalls && x.scheduler_stalls == y.scheduler_stalls;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile& x) {
  return f(caf::meta::type_name("profile"), x.hardware, x.cost, x.rows,
           x.idle_rows, x.idle_curve, x.handoff, x.wake, x.scheduler_wake,
           x.client_hop, x.timer_late, x.spell, x.stalls,
           x.scheduler_stalls, x.switch_rows);
}

/// The profile of one replica that runs every member on each batch, one
/// after the other (an ensemble): at each batch size any member profiles,
/// up to the smallest largest batch, the service times add up, and so do
/// the p99s (exact for one member; for several, an upper bound: their slow
/// passes need not coincide); idle rows and switch rows likewise when
/// every member has them. Its hardware and cost are the first member's
/// (they share the replica's hardware); its idle curve at each member's
/// wait is the members' shares weighted by what their idle rows add at
/// batch size 1 (the tail shares by what they add to the p99); its wake
/// curve at each member's wait is the longest member's hand-off there (one
/// batch, one hand-off).
/// Precondition: at least one member, none empty.
profile sequential_sum(const std::vector<profile>& members);

} // namespace troupe
