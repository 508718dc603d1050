#pragma once

// Measures, in a short real-time run that serves a repository model through
// troupe (one replica, batch size 1, at half its batch-1 throughput), what
// virtual time needs to predict real serving and a loop of forward passes
// cannot show:
// - the runtime's hand-off: from each request's trace, the time from
//   leaving the queue to the forward pass's start (the frontend's message
//   waking the replica's thread), and from the forward pass's end to the
//   sink (the results waking a scheduler thread). Both are one hand-off
//   each: their median and 99th percentile describe it (every tail here
//   is that of the probe's typical stretch: typical_percentile in
//   runtime/statistics.hpp). (A ping-pong
//   between two actors measures a few microseconds on a quiet machine where
//   a serving run spends 25: serving's threads are busy in ways a ping-pong
//   does not reproduce.)
// - the client's hop: from each request's send to the frontend's queue (a
//   message between two actors on the scheduler's threads).
// - the client's timer: how long after an arrival the client woke to send
//   it (a timer thread's wake-up, then a scheduler thread's).
// - the wake-ups (runtime/wake_curve.hpp): each batch's hand-off to the
//   replica and its results' to the sink, with how long that core waited.
// - the replica's passes for the idle curve (runtime/idle_curve.hpp): what
//   the idle wait before a batch cost its forward pass.
// - the machine's stalls (runtime/stall_fit.hpp): the delays of half a
//   millisecond or more beyond their median that the replica's core (its
//   hand-offs and passes) and the scheduler's (the client's timer and hop,
//   the hand-off to the sink) met. The hand-off's, the hop's and the
//   timer's p99s leave those delays out: virtual time places the stalls
//   themselves.
// Virtual time charges both where real time pays them.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/timespan.hpp>

#include "messages/ids.hpp"
#include "models/model_repository.hpp"
#include "models/profile.hpp"
#include "runtime/idle_curve.hpp"
#include "runtime/wake_curve.hpp"

namespace troupe {

struct handoff_options {
  /// Requests served; their arrivals are Poisson at `rate_qps`.
  uint32_t requests = 1000;
  double rate_qps = 1000;
  /// The replica's largest batch (greedy batching).
  uint32_t max_batch = 1;
  /// Fashion-MNIST folder: the requests carry its test images.
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
};

struct serving_probe {
  handoff_time handoff;
  /// Each request's time from the client's send to the frontend's queue.
  handoff_time client_hop;
  /// How late the client's timer fired: per wake-up, its send less the
  /// first arrival it sent.
  handoff_time timer_late;
  /// The replica's passes, in the order it served them (the first apart):
  /// the idle curve's data, and with batches of more than one, the switch
  /// rows' (runtime/switch_cost.hpp).
  std::vector<served_pass> passes;
  /// The scheduler's core's wake-ups, in time order, each after how long
  /// it had waited: for each batch's results (measured: their hand-off to
  /// the sink), and for each message its actors handled after a wait (a
  /// send, a request reaching the frontend; not measured).
  std::vector<woken_message> results;
  /// The stalls that the serving threads met: on the replica's core, and
  /// on the scheduler's.
  stall_time stalls;
  stall_time scheduler_stalls;
  /// The stalls of wake-ups after a sleep past the poll
  /// (models/wake_stalls.hpp), which `stalls` and `scheduler_stalls` then
  /// leave out: of batches reaching the replica, of results reaching the
  /// sink.
  wake_stalls replica_wake_stalls;
  wake_stalls scheduler_wake_stalls;
  /// The share of the run's time that those wake stalls took, per core:
  /// beside stall_time::share(), what a run met in all.
  double replica_wake_time = 0;
  double scheduler_wake_time = 0;
};

/// The hand-off's median and p99, and the passes; throws what a run throws
/// (a model that does not load).
serving_probe probe_serving(const repository_model& model,
                            const handoff_options& options);

/// What a run of one stage of one replica shows, read from its requests'
/// traces (the completed ones): the probe's measurements, of any such run
/// in either clock (the bench reads its real runs' stalls with it; a
/// virtual run's give back the stalls its profile placed).
serving_probe read_serving_run(const std::vector<request_outcome>& records);

} // namespace troupe
