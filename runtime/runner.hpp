#pragma once

// Runs a scenario's actor graph to completion in virtual or in real time and
// returns every request's outcome. The same actors run under both clocks:
// only the scheduler differs.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/timespan.hpp>

#include "messages/cluster.hpp"
#include "messages/control.hpp"
#include "messages/scaling.hpp"
#include "runtime/clock_kind.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/scenario.hpp"
#include "runtime/system_config.hpp"

namespace troupe {

/// A progress snapshot, reported about once per second of wall time.
struct run_progress {
  /// Seconds since the run's time zero: simulated, or in real time the
  /// real time (trace times hold the same offsets).
  double simulated_s = 0;
  uint64_t ended = 0;
  uint64_t total = 0;
  double wall_s = 0;
  /// Real time with [[nodes]]: what happened to the nodes so far, in order
  /// (run_result::cluster has them all once the run is over).
  std::vector<node_event> node_events;
};

struct run_options {
  clock_kind clock = clock_kind::virtual_time;
  /// Overrides the scenario's seed.
  std::optional<uint64_t> seed;
  /// Caps the number of requests.
  std::optional<uint64_t> count;
  /// Scheduler threads in real time; 0 = one per core.
  size_t threads = 0;
  /// Called about once per second of wall time while the graph runs.
  std::function<void(const run_progress&)> on_progress;
  /// Arrival times to use instead of generating the workload (a planner
  /// runs many plans on one sample of the workload).
  std::shared_ptr<const arrival_times> arrivals;
  /// What the requests carry: request k gets inputs[k mod size] (a data-set
  /// index with its label, or an inline tensor); empty = no input.
  std::vector<payload> inputs;
  /// Virtual time only: stop as soon as more than this many requests are
  /// known to miss their deadline (ended late, or still waiting past it).
  std::optional<uint64_t> stop_after_late;
  /// Polled about every 250 ms (virtual time: every 65536 messages); once
  /// it says true (Ctrl-C) the client stops sending, requests in flight get
  /// `grace` to end (real time only), and the rest end as dropped with
  /// errc::cancelled.
  std::function<bool()> cancelled;
  caf::timespan grace = std::chrono::seconds(2);
  /// Virtual time: once every request was sent, a run in which no request
  /// ends for this long (simulated) while some are in flight stops, and
  /// those fail with errc::stalled; 0 = never. Without it, a controller
  /// that holds requests forever would run the simulated clock forever.
  caf::timespan stall_after = std::chrono::hours(1);
  /// Real time: how long every actor may take to report ready (a model
  /// replica loads its model first).
  caf::timespan ready_timeout = std::chrono::minutes(5);
  /// Controller kinds of this run only (graph_settings::controllers).
  std::vector<controller_kind> controllers;
  /// Real time with [[nodes]]: TLS files and heartbeats (`enabled` is set
  /// by the runner when replicas run on nodes).
  network_settings network;
  /// Real time with [[nodes]]: a replica on a node that holds a batch this
  /// long counts as lost, and its batch goes to another replica.
  caf::timespan remote_batch_timeout = std::chrono::seconds(30);
};

struct run_result {
  clock_kind clock = clock_kind::virtual_time;
  uint64_t seed = 0;
  run_outcomes outcomes;
  /// Messages handled by troupe's actors.
  uint64_t events = 0;
  /// Wall-clock seconds from the first arrival to the last outcome (excludes
  /// start-up: loading, arrival generation, spawning).
  double wall_s = 0;
  /// The run stopped at stop_after_late; outcomes are then empty.
  bool stopped_early = false;
  /// The scaler's samples; empty without a [scaling] policy.
  scaling_history scaling;
  /// Real time with [[nodes]]: what happened to the nodes (losses, replicas
  /// lost, requests retried, rejoins); empty otherwise.
  cluster_history cluster;
  /// Why the run ended before every request did, or empty: an actor died
  /// (the requests it could not end failed with errc::aborted), or the run
  /// was cancelled (they were dropped with errc::cancelled).
  std::string interruption;
  bool cancelled = false;
};

/// Runs the scenario through the run protocol: spawn -> every actor ready
/// -> run_start(epoch) -> the sink says every request ended -> collect. The
/// runner monitors every actor: a death ends the run at once with
/// `interruption` set, and every request still ends exactly once. Throws
/// input_error when its workload files are bad (before any actor starts)
/// and std::runtime_error if an actor does not get ready or the graph
/// stalls with requests unaccounted for.
run_result run_scenario(const scenario& sc, const run_options& options);

/// Runs a scenario given as the text of its file (a measurement's own
/// scenario): through a file of a temporary folder, removed after, so that
/// the loader checks it as any file. Throws what loading and running throw.
run_result run_scenario_text(const std::string& text,
                             const run_options& options);

} // namespace troupe
