#pragma once

// Turns a validated scenario into running actors: the sink, per stage a
// frontend with its replicas (or a join), the client, and the scaler when
// the scenario has a [scaling] policy.

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/sink.hpp"
#include "messages/interfaces.hpp"
#include "runtime/clock_kind.hpp"
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
  /// Every actor spawned, the client last (run_start reaches the others
  /// before it sends its first request).
  std::vector<graph_member> members;
};

/// Spawns the scenario's actors in `sys`, ready for the run protocol (see
/// runtime/runner.cpp): nothing happens until they get run_start. In real
/// time the sink paces the client.
/// `request_inputs`: what the requests carry (client_options::inputs).
/// `torch_threads`: LibTorch intra-op threads per torch replica
/// (runtime/thread_plan.hpp).
graph spawn_graph(caf::actor_system& sys, const scenario& sc,
                  std::shared_ptr<const arrival_times> arrivals,
                  clock_kind clock,
                  std::vector<payload> request_inputs = {},
                  int torch_threads = 1);

} // namespace troupe
