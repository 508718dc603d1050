#pragma once

// The scaler: one per pipeline. Every interval it asks each scaled stage's
// frontend what arrived (load_atom), decides each stage's workers and batch
// size with its policy, and sends the frontend a scale_order.
//
//  - seed (seed 004): measured rate -> least-squares prediction ahead by the
//    cold start -> b* and workers from seed_rule. Cascade: a stage plans for
//    at least what its inputs predicted (each request visits every stage
//    once, so the fan-out is 1).
//  - tuner (InferLine): the traffic envelope of the last envelope_s of
//    arrivals -> workers at the scenario's batch size.
//  - oracle (hindsight): it reads the workload, so it knows each interval's
//    true rate -> b* and ceil(headroom * rate / thr(b*)) workers; it orders
//    workers a cold start ahead of the interval that needs them and retires
//    them as soon as no interval up to then does.
//
// Its rounds start at time zero (run_start; the oracle sizes the first
// interval, the others measure it first) and follow at fixed points, epoch +
// k x interval, so that real-time lateness does not add up. It records one
// scaling_sample per stage and round, asks the sink to say when every
// request has ended (ended_atom), and then stops after a last round that
// records the final costs; history_atom is answered after that round.

#include <deque>
#include <optional>
#include <memory>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "models/arrival.hpp"
#include "models/profile.hpp"
#include "policies/scaling/scaling_policy.hpp"
#include "policies/scaling/scaling_spec.hpp"

namespace troupe {

/// A stage as the scaler sees it.
struct scaled_stage {
  stage_id stage = 0;
  /// Null for stages the scaler does not size (joins, no-op stages): they
  /// only pass predictions on.
  frontend_actor frontend;
  /// Empty for stages without a profile.
  profile service;
  /// Stage ids of the inputs (source_stage for the client).
  std::vector<stage_id> inputs;
  double stage_slo_ms = 0;
  /// The scenario's batch size (the tuner keeps it).
  uint32_t planned_batch = 1;
};

inline bool operator==(const scaled_stage& x, const scaled_stage& y) {
  return x.stage == y.stage && x.frontend == y.frontend
         && x.service == y.service && x.inputs == y.inputs
         && x.stage_slo_ms == y.stage_slo_ms
         && x.planned_batch == y.planned_batch;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scaled_stage& x) {
  return f(caf::meta::type_name("scaled_stage"), x.stage, x.frontend,
           x.service, x.inputs, x.stage_slo_ms, x.planned_batch);
}

struct scaler_options {
  scaling_spec spec;
  /// In topological order.
  std::vector<scaled_stage> stages;
  /// The workload (the oracle reads it).
  arrival_times arrivals;
  /// Says when every request has ended.
  sink_actor sink;
};

inline bool operator==(const scaler_options& x, const scaler_options& y) {
  return x.spec == y.spec && x.stages == y.stages && x.arrivals == y.arrivals
         && x.sink == y.sink;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scaler_options& x) {
  return f(caf::meta::type_name("scaler_options"), x.spec, x.stages,
           x.arrivals, x.sink);
}

/// One stage's running view: its policy and recent arrivals.
struct stage_view {
  /// Null for stages the scaler does not size.
  std::unique_ptr<scaling_policy> policy;
  /// Arrivals per bucket over the last envelope_s (tuner).
  std::deque<uint32_t> buckets;
  double bucket_s = 0;
  double predicted_qps = 0;
  stage_load last;
};

struct scaler_state : run_member {
  static inline const char* name = "scaler";

  scaler_options options;
  std::vector<stage_view> views;
  scaling_history history;
  /// The last round is done: history is final.
  bool finished_rounds = false;
  /// history_atom requests that came before the last round.
  std::vector<caf::typed_response_promise<scaling_history>> waiting;
  /// Loads still expected for the current tick.
  size_t pending = 0;
  /// The next round's number: it runs at epoch + round x interval.
  uint64_t round = 0;
  /// The sink said that every request has ended.
  bool all_ended = false;

  void init(scaler_options opts);

  /// Stages with a frontend to ask.
  size_t scaled_stages() const;

  /// Takes one frontend's answer for the current tick.
  void take(stage_load load);

  /// Adds the view's last load to its arrival history; returns the rate it
  /// measured (requests/s over its period).
  double absorb(stage_view& v, caf::timespan now) const;

  /// Decides every stage at `now` (all loads taken): the orders to send, by
  /// stage index in options.stages (empty for unscaled stages).
  std::vector<std::optional<scale_order>> decide(caf::timespan now);

  /// True once every request of the workload has ended (or an hour after
  /// the last arrival, whatever happened).
  bool finished(caf::timespan now) const;

  /// When the round `round` runs, as an offset from time zero.
  caf::timespan round_time() const;

  /// Marks the history final and answers everyone waiting for it.
  void complete();
};

using scaler_pointer = scaler_actor::stateful_pointer<scaler_state>;

scaler_actor::behavior_type scaler(scaler_pointer self,
                                   scaler_options options);


} // namespace troupe
