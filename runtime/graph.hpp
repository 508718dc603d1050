#pragma once

// Turns a validated scenario into running actors: the sink, per stage a
// frontend with its replicas (or a join), the client, and the scaler when
// the scenario has a [scaling] policy.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/sink.hpp"
#include "messages/interfaces.hpp"
#include "runtime/clock_kind.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

/// An actor of the graph and what to call it in messages ("replica 2 of
/// stage 'resnet'").
struct graph_member {
  caf::actor handle;
  std::string name;
};

struct graph {
  client_actor client;
  sink_actor sink;
  /// Null when the scenario does not scale.
  scaler_actor scaler;
  /// Null unless replicas run on nodes in real time (cluster mode).
  cluster_keeper_actor keeper;
  /// Every actor spawned, the client last (run_start reaches the others
  /// before it sends its first request).
  std::vector<graph_member> members;
};

/// How one run spawns the scenario's actors.
struct graph_settings {
  clock_kind clock = clock_kind::virtual_time;
  /// What the requests carry (client_options::inputs).
  std::vector<payload> request_inputs;
  /// LibTorch intra-op threads per torch replica (runtime/thread_plan.hpp).
  int torch_threads = 1;
  /// The run's seed (replicas draw their service times from it).
  uint64_t seed = 0;
  /// Controller kinds of this run only, found before the registered ones
  /// (a command's in-process controller whose learner it reads back).
  std::vector<controller_kind> controllers;
  /// Real time with [[nodes]]: connect to the nodes with TLS (the actor
  /// system loaded caf-openssl).
  bool tls = false;
  /// Real time with [[nodes]]: how long spawning a replica on a node and
  /// its getting ready may take.
  caf::timespan spawn_timeout = std::chrono::minutes(5);
  /// Real time with [[nodes]]: a replica on a node that holds a batch this
  /// long counts as lost (frontend_options::remote_batch_timeout).
  caf::timespan remote_batch_timeout = std::chrono::seconds(30);
  /// Real time: the cores the torch replicas' threads keep to (empty: any;
  /// runtime/thread_plan.hpp).
  std::vector<int> replica_cores = {};
};

/// A stage's frontend as its scenario spec configures it (the policies,
/// queue, batch size, SLO share, profile and initial workers), before the
/// actors it talks to, a controller or a scaler are added.
frontend_options frontend_base_options(const scenario& sc, stage_id id);

/// Spawns the scenario's actors in `sys`, ready for the run protocol (see
/// runtime/runner.cpp): nothing happens until they get run_start. In real
/// time the sink paces the client.
///
/// Replicas placed on [[nodes]] hand their batches back to their frontend.
/// In virtual time they run here, each batch held a network hop longer each
/// way; in real time the cluster keeper spawns them on their nodes once it
/// is asked whether it is ready (actors/cluster_keeper.hpp).
graph spawn_graph(caf::actor_system& sys, const scenario& sc,
                  std::shared_ptr<const arrival_times> arrivals,
                  graph_settings settings);

} // namespace troupe
