#pragma once

// The typed interfaces between actors: a message an actor does not handle
// fails to compile at the sender.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/batch.hpp"
#include "messages/control.hpp"
#include "messages/ids.hpp"
#include "messages/scaling.hpp"

namespace troupe {

/// Anything that accepts the output of a stage: a frontend, a join, the sink.
using stage_input_actor = caf::typed_actor<caf::reacts_to<batch>>;

/// A stage's frontend: queue, batching, routing, dropping and its pool of
/// workers (booted_atom and flush_atom are its own timers).
using frontend_actor
  = caf::typed_actor<caf::reacts_to<batch>, caf::reacts_to<replica_idle>,
                     caf::reacts_to<scale_order>,
                     caf::replies_to<load_atom>::with<stage_load>,
                     caf::reacts_to<booted_atom, uint16_t, uint32_t>,
                     caf::reacts_to<flush_atom>>;

/// A model replica: serves one batch at a time.
using replica_actor
  = caf::typed_actor<caf::reacts_to<serve_atom, batch>,
                     caf::reacts_to<finished_atom, batch>>;

/// A join stage: forwards a request once every input delivered it.
using join_actor = stage_input_actor;

/// The sink: records every request's single outcome.
using sink_actor
  = caf::typed_actor<caf::reacts_to<batch>, caf::reacts_to<drop_notice>,
                     caf::reacts_to<failure_notice>,
                     caf::reacts_to<client_done>,
                     caf::reacts_to<pace_atom>,
                     caf::replies_to<collect_atom>::with<run_outcomes>>;

/// The scaler: every interval it asks each frontend for its load and sends
/// it a scale_order (tick_atom is its own timer).
using scaler_actor
  = caf::typed_actor<caf::reacts_to<tick_atom>,
                     caf::replies_to<history_atom>::with<scaling_history>>;

/// The client: emits the workload (emit_atom is its own timer).
using client_actor
  = caf::typed_actor<caf::reacts_to<emit_atom>, caf::reacts_to<pace_atom>>;

} // namespace troupe
