#pragma once

// The client: emits the workload. Request k arrives at arrivals[k] after the
// run's epoch; the first wake-up is at run_start. At each wake-up the client
// sends every request that is due as one batch to each root stage (stages
// with input "source"), then sleeps until the next arrival (a delayed
// message to itself). At the end, or when told to stop (stop_atom: Ctrl-C,
// an aborted run), it tells the sink how many requests it sent.
//
// In real time a timer wakes the client late: on a 2-core virtual machine a
// delayed message arrives 100 to 150 us after it was due, and at a million
// requests a second the client would send hundreds at once, each waiting for
// the ones ahead of it. So in real time the client also wakes whenever the
// sink recorded completions (a pace_atom): under load it emits a few
// requests at a time at the pipeline's own cadence, and the timer only ends
// the idle gaps. When a pace finds nothing due but the next arrival is
// within `pace_horizon`, the client asks the sink for one more pace (an
// echo) rather than wait for its late timer. Virtual time needs no pacing:
// its timer is exact.
//
// In real time a sent batch reaches a root's frontend one message later
// (9 to 15 us at the median on a 2-core machine, 30 to 46 us at p99).
// Virtual time charges that hop as the roots' profiles measured it, where
// they did (client_hop), and the timer's lateness likewise (timer_late):
// real time's latency runs from each request's arrival, late timer
// included, and a prediction of it must charge what real time pays.

#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "models/arrival.hpp"
#include "models/service_time_model.hpp"
#include "models/scheduler_core.hpp"

namespace troupe {

/// What the client's hop to the root stages takes in virtual time: `time`
/// (not modelled: batches arrive at once), and how late its timer fires:
/// `timer_late` (not modelled: on time), each drawn as `draws` say.
struct client_hop_spec {
  handoff_time time{};
  service_time_spec draws{};
  handoff_time timer_late{};
};

inline bool operator==(const client_hop_spec& x, const client_hop_spec& y) {
  return x.time == y.time && x.draws == y.draws
         && x.timer_late == y.timer_late;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_hop_spec& x) {
  return f(caf::meta::type_name("client_hop_spec"), x.time, x.draws,
           x.timer_late);
}

/// The client's hop and timer in virtual time: each sent batch arrives one
/// hop later, and the timer for an arrival fires one lateness after it
/// (their medians, or lognormal draws where the scenario draws service times
/// so and the p99 was measured; hop first, then the timer, from one
/// generator). Deliveries keep their order: a batch whose draw is shorter
/// than the one before arrives with it.
class client_hop {
public:
  client_hop() = default;

  explicit client_hop(const client_hop_spec& spec)
    : time_(spec.time), timer_late_(spec.timer_late), draws_(spec.draws) {
  }

  /// How much later than `now` a batch sent at `now` arrives.
  caf::timespan delay(caf::timespan now) {
    if (!time_.modelled())
      return caf::timespan{0};
    draws_.at(now);
    last_arrival_ = std::max(now + draws_.handoff(time_), last_arrival_);
    return last_arrival_ - now;
  }

  /// How long after the arrival due `wait` after `now` the client's timer
  /// (set at `now`) fires: its lateness, and the stalls of the scheduler's
  /// core that it meets from the arrival on (the client runs there; the
  /// replicas' results meet the same stalls).
  caf::timespan timer_late(caf::timespan now, caf::timespan wait) {
    if (!timer_late_.modelled())
      return caf::timespan{0};
    draws_.at(now);
    return draws_.on_scheduler(now + wait, draws_.handoff(timer_late_));
  }

private:
  handoff_time time_;
  handoff_time timer_late_;
  service_time_model draws_;
  caf::timespan last_arrival_{0};
};

/// Everything the client is spawned with (a value: it can travel).
struct client_options {
  /// Request k arrives at arrivals[k] after time zero.
  arrival_times arrivals;
  /// Deadline = arrival + slo.
  caf::timespan slo{0};
  /// Request k carries inputs[k mod size] (a data-set index and its label,
  /// or an inline tensor); empty = requests carry no input.
  std::vector<payload> inputs;
  /// Visits a trace can reach (stages + the client's own): reserved up
  /// front, so that no stage reallocates it on the hot path.
  size_t trace_capacity = 1;
  /// Ask the sink for a pace_atom after each batch it records (real time).
  bool paced_by_sink = false;
  /// With pacing: echo through the sink when the next arrival is this close.
  caf::timespan pace_horizon{0};
  /// The stages fed by the client (input "source").
  std::vector<stage_input_actor> roots;
  sink_actor sink;
  /// Virtual time: the hop to the roots and the timer's lateness.
  client_hop_spec hop{};
  /// Virtual time: the run's scheduler core (models/scheduler_core.hpp),
  /// told when the client sends, where modelled. One process's object:
  /// neither compared nor sent.
  std::shared_ptr<scheduler_core> scheduler;
};

inline bool operator==(const client_options& x, const client_options& y) {
  return x.arrivals == y.arrivals && x.slo == y.slo && x.inputs == y.inputs
         && x.trace_capacity == y.trace_capacity
         && x.paced_by_sink == y.paced_by_sink
         && x.pace_horizon == y.pace_horizon && x.roots == y.roots
         && x.sink == y.sink && x.hop == y.hop;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_options& x) {
  return f(caf::meta::type_name("client_options"), x.arrivals, x.slo,
           x.inputs, x.trace_capacity, x.paced_by_sink, x.pace_horizon,
           x.roots, x.sink, x.hop);
}

struct client_state : run_member {
  static inline const char* name = "client";

  client_options options;
  client_hop hop;
  /// Index of the next request to send.
  size_t next = 0;
  /// An emit_atom is on its way: pacing wakes the client between timers,
  /// and it keeps a single timer outstanding.
  bool timer_armed = false;
  /// An echo through the sink is on its way (at most one).
  bool echo_pending = false;
  /// client_done went to the sink: nothing more is sent.
  bool done_sent = false;

  /// Every request due at `now` (arrival <= now), in id order. Each trace
  /// starts with a visit of source_stage: when it was due and when sent.
  batch take_due(caf::timespan now);

  /// How long until the next request is due; nothing when all were sent.
  std::optional<caf::timespan> next_wakeup(caf::timespan now) const;
};

using client_pointer = client_actor::stateful_pointer<client_state>;

client_actor::behavior_type client(client_pointer self,
                                   client_options options);

} // namespace troupe
