#pragma once

// A model replica whose service time comes from a profile: it holds one
// batch at a time for s(b) (a delayed message to itself, so the same code
// waits in virtual or in real time), then sends the batch to every successor
// and tells its frontend it is idle. A request's route (stage_visit::route,
// set by the frontend) may name only some successors: the others get it as
// skipped.
//
//   idle --serve--> busy --finished--> idle
//
// A frontend may send a replica its next batch while the current one runs
// (frontend_options::send_ahead): the replica starts it as soon as the
// current one is done, and stamps the wait behind it as queue wait.
//
// A replica without a profile is a no-op stage: it forwards at once.
//
// A replica on a node (cluster mode) hands each batch back to its frontend
// instead (served_batch): the frontend sends it on.
//
// A replica of repository models (options.inference) also computes: on each
// batch it runs its models' forward passes (blocking: in real time such a
// replica is spawned detached), fails the requests whose payload is invalid
// (invalid_payload) and stores each other request's combined output as its
// result. In real time the forward's own duration is the service time; in
// virtual time the batch completes after the profiled time, so that a
// virtual run gives real predictions with modelled latency.

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/expected.hpp>

#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "messages/control.hpp"
#include "models/profile.hpp"
#include "models/poll_window.hpp"
#include "models/recent_sleep.hpp"
#include "models/scheduler_core.hpp"
#include "models/service_time_model.hpp"
#include "models/torch/batch_classifier.hpp"
#include "policies/combining/combine.hpp"

namespace troupe {

/// What a replica of repository models runs.
struct inference_spec {
  /// TorchScript files, one per model; several make an ensemble.
  std::vector<std::string> model_files;
  /// One input's shape (C, H, W), from the models' configs.
  std::vector<int64_t> input_shape;
  /// The labels the models' configs name: each returns this many scores.
  uint32_t classes = 0;
  /// How an ensemble's outputs become one: "mean" or "vote".
  std::string combine = "mean";
  /// Fashion-MNIST folder whose test split data-set indexes refer to.
  std::string data_dir;
  /// True in real time: the forward's duration is the service time. False:
  /// the profile's service time for the batch size is.
  bool measured = false;
  /// LibTorch intra-op threads for this replica's forward passes (set on
  /// its own thread).
  int32_t threads = 1;
  /// The cores this replica's thread keeps to (actors/core_pinning.hpp);
  /// empty: wherever the system puts it.
  std::vector<int32_t> cores;
  /// In real time, the largest batch the replica will get: before it says
  /// ready it runs each model once at every batch size up to this
  /// (LibTorch's first call of a shape costs about a millisecond more, and
  /// would otherwise stall the first requests). 0: no warm-up.
  uint32_t warm_up_batch = 0;
};

inline bool operator==(const inference_spec& x, const inference_spec& y) {
  return x.model_files == y.model_files && x.input_shape == y.input_shape
         && x.classes == y.classes && x.combine == y.combine
         && x.data_dir == y.data_dir && x.measured == y.measured
         && x.threads == y.threads && x.cores == y.cores
         && x.warm_up_batch == y.warm_up_batch;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inference_spec& x) {
  return f(caf::meta::type_name("inference_spec"), x.model_files,
           x.input_shape, x.classes, x.combine, x.data_dir, x.measured,
           x.threads, x.cores, x.warm_up_batch);
}

/// Everything a replica is spawned with: a value, so that it can be sent to
/// another node as it is.
struct replica_options {
  stage_id stage = 0;
  /// Index among the stage's replicas (reported back in replica_idle).
  uint16_t index = 0;
  /// The profile of its service times; empty for a no-op stage.
  profile service;
  /// How a batch's service time follows from the profile.
  service_time_spec service_time;
  /// Where a finished batch goes: the consumers' inputs, or the sink.
  std::vector<stage_input_actor> successors;
  /// Where failures go.
  sink_actor sink;
  /// Set for replicas of repository models (at most one element).
  std::vector<inference_spec> inference;
  /// Hands every batch back to the frontend (served_batch) instead of
  /// sending it on and saying replica_idle: a replica on a node does, so
  /// that its frontend can tell a late answer from a batch it gave to
  /// another replica after this one was lost (docs/cluster.md).
  bool reports_to_frontend = false;
  /// Virtual time: the network hop to this replica's node; a batch then
  /// takes a hop to arrive and one to come back, on top of its service time.
  caf::timespan network_hop{0};
  /// Virtual time: the runtime's hand-off that real time pays as thread
  /// wake-ups (the profile's handoff): a batch reaches the idle replica one
  /// hand-off after its dispatch (by the profile's wake curve where it has
  /// one, which also charges a batch sent ahead; else not one sent ahead:
  /// it waited here), and the results and the idle notice arrive one
  /// hand-off after its service time. Each is drawn like a service time
  /// (service_time_model::handoff).
  handoff_time handoff{};
  /// Virtual time: the run's scheduler core, where the profile measured
  /// its wake-ups: the results then leave after the hand-off that waking
  /// it costs when the batch is done, not after `handoff`. One process's
  /// object: neither compared nor sent.
  std::shared_ptr<scheduler_core> scheduler;
};

inline bool operator==(const replica_options& x, const replica_options& y) {
  return x.stage == y.stage && x.index == y.index && x.service == y.service
         && x.service_time == y.service_time && x.successors == y.successors
         && x.sink == y.sink && x.inference == y.inference
         && x.reports_to_frontend == y.reports_to_frontend
         && x.network_hop == y.network_hop && x.handoff == y.handoff;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_options& x) {
  return f(caf::meta::type_name("replica_options"), x.stage, x.index,
           x.service, x.service_time, x.successors, x.sink, x.inference,
           x.reports_to_frontend, x.network_hop, x.handoff);
}

/// The batch size a replica runs and is charged for: the batch's own size,
/// or the size its frontend padded it to (stage_visit::padded_size).
uint32_t charged_size(const batch& work);

struct replica_state : run_member {
  static inline const char* name = "replica";

  replica_options options;
  /// Sender of the batch in service: told when the replica is idle again.
  frontend_actor frontend;
  /// The batch in service (stage_visit::batch_id), for served_batch.
  uint32_t batch_id = 0;
  /// Runs options.inference's models (null without).
  std::shared_ptr<const batch_classifier> classifier;
  combine_kind combine_how = combine_kind::mean;
  /// Draws the batches' service times (options.service_time).
  service_time_model service_times;
  /// How long the replica's waiting core polls (the profile's wake poll).
  poll_window poll;
  /// The core's sleeps past its poll: the share of the stalls by time that
  /// it meets (models/recent_sleep.hpp).
  recent_sleep sleep;
  /// When the last batch finished (none yet: the first batch comes after
  /// an idle wait). A batch that arrives later follows an idle wait.
  std::optional<caf::timespan> last_finish;
  /// A batch is held for its service time (a finished_atom is due).
  bool holding = false;
  /// Batches sent ahead that arrived while one was held, in order.
  std::deque<batch> waiting;
  /// The hand-off that takes the results of the batch in service on, and
  /// the idle notice (options.handoff's median until one is drawn).
  caf::timespan leaving{0};

  /// How long a batch that starts at `now` in virtual time is held, and
  /// its compute within that.
  struct held_time {
    caf::timespan held{0};
    caf::timespan compute{0};
  };

  /// Draws the hand-offs of a batch that starts at `now` in virtual time,
  /// in a fixed order (the direct chain draws the same), and places those
  /// on the replica's core, each waiting out the stalls it meets (as many
  /// as its recent sleep says): the hand-off that brought the batch
  /// (brought_by) and its pass of `pass`.
  /// Returns the time from `now` to the pass's end, and the pass's share of
  /// it. `leaving` is drawn too, and placed by `leave`.
  held_time hold(caf::timespan now, bool queued, caf::timespan pass);

  /// Places `leaving` for a batch held in virtual time and done at
  /// `finish`: the scheduler core's wake-up then where the run has one
  /// (options.scheduler), else the hand-off `hold` drew; either waits out
  /// the scheduler's stalls it meets.
  void leave(caf::timespan finish);

  /// Runs the classifier on the batch: stores each request's output as its
  /// result, and takes the requests it cannot serve out of the batch, as
  /// failure notices to send (one per request and reason).
  std::vector<failure_notice> infer(batch& work, caf::timespan now) const;

  /// How long this replica had been idle when a batch that arrived at
  /// `now` starts: since its last batch finished, plus the median hand-off
  /// that brought the batch (the wait a real replica's thread sees); 0 for
  /// a batch sent ahead that starts as the last one finishes; the longest
  /// wait before the first batch.
  caf::timespan idle_before(caf::timespan now) const;

  /// Starts the draws of service times and the core's poll window from
  /// the options.
  void start_draws();

  /// The hand-off that brings a batch after the replica waited `wait` since
  /// its last batch (0: sent ahead, it waited here), its core `polled` or
  /// asleep: the profile's wake poll or wake curve; without a curve the
  /// options' handoff, none for a batch sent ahead; none in real time.
  handoff_time handoff_after(caf::timespan wait, bool polled) const;

  /// How long the replica had waited for a batch that starts at `now`:
  /// since its last batch finished; the longest wait before the first.
  caf::timespan waited(caf::timespan now) const;

  /// The same for a batch that starts at `now` in virtual time (`queued`:
  /// sent ahead); a batch that waited adapts the core's poll window.
  handoff_time brought_by(caf::timespan now, bool queued);

  /// Checks the batch and returns its service time after an idle wait of
  /// `idle` (the profile's idle curve), or why it cannot be served
  /// (errc::batch_too_large).
  caf::expected<caf::timespan> service_time(const batch& work,
                                            caf::timespan idle);

  /// Stamps how long this stage computed on every request's visit.
  void stamp_compute(batch& work, caf::timespan compute) const;

  /// A batch that left the frontend's queue before the previous batch here
  /// finished waited behind it: its dequeue becomes that finish, so that the
  /// wait counts as queue wait, not as the runtime's hand-off. (Only in this
  /// process: a replica on a node has another clock.)
  void stamp_start(batch& work) const;

  /// Stamps this stage's finish time on every request and marks the batch as
  /// coming from this stage.
  void finish(batch& work, caf::timespan now) const;

  /// Sends a finished batch on: each successor gets the requests whose route
  /// names it, and the others as skipped (see batch::skipped).
  template <class Self>
  void forward(Self* self, batch&& work) const;

  /// Tells the frontend that the replica is idle again, handing back
  /// what is left of the batch when it reports to the frontend.
  template <class Self>
  void hand_back(Self* self, batch&& rest) const;
};

using replica_pointer = replica_actor::stateful_pointer<replica_state>;

replica_actor::behavior_type replica(replica_pointer self,
                                     replica_options options);

} // namespace troupe
