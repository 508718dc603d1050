#pragma once

// The typed interfaces between actors: a message an actor does not handle
// fails to compile at the sender.

#include <cstdint>
#include <string>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/batch.hpp"
#include "messages/cluster.hpp"
#include "messages/control.hpp"
#include "messages/dispatch.hpp"
#include "messages/ids.hpp"
#include "messages/scaling.hpp"

namespace troupe {

/// What every actor of a run understands (docs/architecture.md, the run
/// protocol): spawn -> ready -> run_start -> ... -> events at the end.
///  - ready_atom: answered once the actor can serve (a model replica answers
///    after loading its model);
///  - run_start: time zero; only now do timers start (client, scaler);
///  - events_atom: answered with the messages the actor handled.
using run_member_actor = caf::typed_actor<
  caf::replies_to<atoms::ready_atom>::with<atoms::ready_atom>,
  caf::reacts_to<run_start>,
  caf::replies_to<atoms::events_atom>::with<uint64_t>>;

/// Anything that accepts the output of a stage: a frontend, a join, the sink.
using stage_input_actor = caf::typed_actor<caf::reacts_to<batch>>;

/// A stage's frontend: queue, batching, routing, dropping and its pool of
/// workers (booted_atom, flush_batch_atom and overdue_atom are its own
/// timers; a
/// dispatch_decision to itself is a controller's answer delayed by the
/// modelled decision time).
using frontend_actor = run_member_actor::extend<
  caf::reacts_to<batch>, caf::reacts_to<replica_idle>,
  caf::reacts_to<scale_order>,
  caf::replies_to<atoms::load_atom>::with<stage_load>,
  caf::reacts_to<atoms::booted_atom, uint16_t, uint32_t>,
  caf::reacts_to<atoms::flush_batch_atom>,
  caf::reacts_to<dispatch_decision>, caf::reacts_to<served_batch>,
  caf::reacts_to<replica_joined>,
  caf::reacts_to<atoms::overdue_atom, uint16_t, uint32_t>>;

/// A controller: decides a frontend's dispatches (messages/dispatch.hpp).
using controller_actor = run_member_actor::extend<
  caf::replies_to<dispatch_query>::with<dispatch_decision>>;

/// A model replica: serves one batch at a time.
using replica_actor
  = run_member_actor::extend<caf::reacts_to<atoms::serve_atom, batch>,
                             caf::reacts_to<atoms::finished_atom, batch>>;

/// A join stage: forwards a request once every input delivered it.
using join_actor = run_member_actor::extend<caf::reacts_to<batch>>;

/// The sink: records every request's single outcome.
///  - ended_atom: answered (with the number sent) once every request ended;
///  - progress_atom: answered at once with the counts so far;
///  - collect_atom: answered at once with every outcome recorded so far
///    (the runtime asks after ended_atom, or when it aborts the run).
using sink_actor = run_member_actor::extend<
  caf::reacts_to<batch>, caf::reacts_to<drop_notice>,
  caf::reacts_to<failure_notice>, caf::reacts_to<client_done>,
  caf::reacts_to<atoms::pace_atom>,
  caf::replies_to<atoms::ended_atom>::with<uint64_t>,
  caf::replies_to<atoms::progress_atom>::with<run_counts>,
  caf::replies_to<atoms::collect_atom>::with<run_outcomes>>;

/// The scaler: every interval it asks each frontend for its load and sends
/// it a scale_order (scale_tick_atom is its own timer).
using scaler_actor = run_member_actor::extend<
  caf::reacts_to<atoms::scale_tick_atom>,
  caf::replies_to<atoms::history_atom>::with<scaling_history>>;

/// The cluster keeper (cluster mode, real time): connects the nodes, spawns
/// the replicas placed on them, reconnects a node that was lost and spawns
/// its replicas again (reconnect_atom is its own timer); it answers
/// ready_atom once every replica on every node is ready; progress_atom
/// with the events so far, cluster_atom with all of them once the run is
/// over.
using cluster_keeper_actor = run_member_actor::extend<
  caf::reacts_to<replica_lost>, caf::reacts_to<atoms::reconnect_atom, uint32_t>,
  caf::replies_to<atoms::progress_atom>::with<cluster_history>,
  caf::replies_to<atoms::cluster_atom>::with<cluster_history>>;

/// A node process's agent (`troupe node`), published at its port: the
/// coordinator connects to it and checks its name; replicas are spawned on
/// its node through CAF's middleman (remote spawn).
using node_agent_actor = caf::typed_actor<
  caf::replies_to<atoms::node_name_atom>::with<std::string>>;

/// The client: emits the workload (emit_atom is its own timer); stop_atom
/// ends the workload early and is answered with the number sent.
using client_actor = run_member_actor::extend<
  caf::reacts_to<atoms::emit_atom>, caf::reacts_to<atoms::pace_atom>,
  caf::replies_to<atoms::stop_atom>::with<uint64_t>>;

} // namespace troupe
