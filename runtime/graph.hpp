#pragma once

// Turns a validated scenario into running actors: the sink, per stage a
// frontend with its replicas (or a join), the client, and the scaler when
// the scenario has a [scaling] policy.

#include <memory>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>

#include "actors/run_probe.hpp"
#include "actors/sink.hpp"
#include "messages/interfaces.hpp"
#include "runtime/clock_kind.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

struct graph {
  client_actor client;
  sink_actor sink;
  /// Null when the scenario does not scale.
  scaler_actor scaler;
  /// Every actor spawned, for shutdown.
  std::vector<caf::actor> actors;
};

/// Spawns the scenario's actors in `sys`. Traces and arrivals are offsets
/// from `epoch`. The client waits for an emit_atom to start; in real time
/// the sink paces it. `storage`, if given, is the sink's prepared room for
/// the records.
graph spawn_graph(caf::actor_system& sys, const scenario& sc,
                  std::shared_ptr<const arrival_times> arrivals,
                  caf::actor_clock::time_point epoch, clock_kind clock,
                  run_probe* probe,
                  std::shared_ptr<sink_storage> storage = nullptr);

} // namespace troupe
