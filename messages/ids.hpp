#pragma once

// The vocabulary's registry: every message type of troupe gets its type ID in
// this one block, and every atom is declared here. A type missing here still
// compiles but arrives at a remote node as an empty message, so
// tests/messages/serialization.cpp round-trips each one.

#include <cstdint>
#include <vector>

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

namespace troupe {

// -- forward declarations of all message types --------------------------------

struct stage_visit;
struct tensor;
struct payload;
struct output;
struct request;
struct batch;
struct replica_idle;
struct drop_notice;
struct failure_notice;
struct client_done;
struct request_outcome;
struct run_outcomes;
struct scale_order;
struct stage_load;
struct scaling_sample;
struct scaling_history;
struct run_start;
struct run_counts;
struct dispatch_query;
struct dispatch_decision;
struct served_batch;
struct replica_joined;
struct replica_lost;
struct node_event;
struct cluster_history;

// Spawn options (defined with their actors in actors/): values, so that a
// coordinator can spawn an actor on another node with them.
struct replica_options;
struct frontend_options;
struct join_options;
struct sink_options;
struct client_options;
struct scaler_options;
struct cluster_keeper_options;

} // namespace troupe

CAF_BEGIN_TYPE_ID_BLOCK(troupe, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(troupe, (troupe::stage_visit))
  CAF_ADD_TYPE_ID(troupe, (troupe::tensor))
  CAF_ADD_TYPE_ID(troupe, (troupe::payload))
  CAF_ADD_TYPE_ID(troupe, (troupe::output))
  CAF_ADD_TYPE_ID(troupe, (troupe::request))
  CAF_ADD_TYPE_ID(troupe, (troupe::batch))
  CAF_ADD_TYPE_ID(troupe, (troupe::replica_idle))
  CAF_ADD_TYPE_ID(troupe, (troupe::drop_notice))
  CAF_ADD_TYPE_ID(troupe, (troupe::failure_notice))
  CAF_ADD_TYPE_ID(troupe, (troupe::client_done))
  CAF_ADD_TYPE_ID(troupe, (troupe::request_outcome))
  CAF_ADD_TYPE_ID(troupe, (troupe::run_outcomes))
  CAF_ADD_TYPE_ID(troupe, (troupe::scale_order))
  CAF_ADD_TYPE_ID(troupe, (troupe::stage_load))
  CAF_ADD_TYPE_ID(troupe, (troupe::scaling_sample))
  CAF_ADD_TYPE_ID(troupe, (troupe::scaling_history))
  CAF_ADD_TYPE_ID(troupe, (troupe::run_start))
  CAF_ADD_TYPE_ID(troupe, (troupe::run_counts))
  CAF_ADD_TYPE_ID(troupe, (troupe::dispatch_query))
  CAF_ADD_TYPE_ID(troupe, (troupe::dispatch_decision))
  CAF_ADD_TYPE_ID(troupe, (troupe::replica_options))
  CAF_ADD_TYPE_ID(troupe, (troupe::frontend_options))
  CAF_ADD_TYPE_ID(troupe, (troupe::join_options))
  CAF_ADD_TYPE_ID(troupe, (troupe::sink_options))
  CAF_ADD_TYPE_ID(troupe, (troupe::client_options))
  CAF_ADD_TYPE_ID(troupe, (troupe::scaler_options))
  CAF_ADD_TYPE_ID(troupe, (troupe::served_batch))
  CAF_ADD_TYPE_ID(troupe, (troupe::replica_joined))
  CAF_ADD_TYPE_ID(troupe, (troupe::replica_lost))
  CAF_ADD_TYPE_ID(troupe, (troupe::node_event))
  CAF_ADD_TYPE_ID(troupe, (troupe::cluster_history))
  CAF_ADD_TYPE_ID(troupe, (troupe::cluster_keeper_options))

CAF_END_TYPE_ID_BLOCK(troupe)

// -- atoms (at most 10 characters each) ---------------------------------------
//
// In CAF 0.17 an atom is its text: two atoms with the same text are the same
// type, whatever namespace declares them. CAF declares its own (tick, flush,
// get, ok, ...; caf/type_id.hpp), so troupe's live in troupe::atoms and use
// texts of their own (tests/messages/serialization.cpp checks both).

/// Frontend -> replica: serve this batch.
CAF_ADD_ATOM(troupe, troupe::atoms, serve_atom, "serve")
/// Replica -> itself after the service time: the batch is done.
CAF_ADD_ATOM(troupe, troupe::atoms, finished_atom, "finished")
/// Client -> itself: emit the requests that are due now.
CAF_ADD_ATOM(troupe, troupe::atoms, emit_atom, "emit")
/// Real time only. Client -> sink: pace me; sink -> client: completions were
/// recorded, emit what is due now (see client_options::paced_by_sink).
CAF_ADD_ATOM(troupe, troupe::atoms, pace_atom, "pace")
/// Runtime -> sink: answer with all outcomes once every request has ended.
CAF_ADD_ATOM(troupe, troupe::atoms, collect_atom, "collect")
/// Scaler -> itself: an interval is over, measure and decide.
CAF_ADD_ATOM(troupe, troupe::atoms, scale_tick_atom, "scale_tick")
/// Scaler -> frontend: answer with your stage_load.
CAF_ADD_ATOM(troupe, troupe::atoms, load_atom, "load")
/// Frontend -> itself after the cold start: worker (slot, generation) is up.
CAF_ADD_ATOM(troupe, troupe::atoms, booted_atom, "booted")
/// Frontend -> itself: the oldest queued request waited long enough, send a
/// partial batch.
CAF_ADD_ATOM(troupe, troupe::atoms, flush_batch_atom, "flushbatch")
/// Runtime -> scaler: answer with the scaling_history.
CAF_ADD_ATOM(troupe, troupe::atoms, history_atom, "history")

// -- the run protocol (docs/architecture.md) ----------------------------------

/// Runtime -> every actor: answer (with the same atom) once you can serve,
/// e.g. after loading a model.
CAF_ADD_ATOM(troupe, troupe::atoms, ready_atom, "ready")
/// Runtime -> every actor at the end: answer with the number of messages
/// you handled.
CAF_ADD_ATOM(troupe, troupe::atoms, events_atom, "events")
/// Anyone -> sink: answer with the number of requests sent once every one
/// of them has ended.
CAF_ADD_ATOM(troupe, troupe::atoms, ended_atom, "ended")
/// Runtime -> sink: answer with the run_counts so far.
CAF_ADD_ATOM(troupe, troupe::atoms, progress_atom, "progress")
/// Runtime -> client: stop sending (Ctrl-C, or the run is aborted); answer
/// with the number of requests sent.
CAF_ADD_ATOM(troupe, troupe::atoms, stop_atom, "stop")

// -- cluster mode (docs/cluster.md) -------------------------------------------

/// Cluster keeper -> itself: try to connect node i (again).
CAF_ADD_ATOM(troupe, troupe::atoms, reconnect_atom, "reconnect")
/// Runtime -> cluster keeper: answer with the cluster_history.
CAF_ADD_ATOM(troupe, troupe::atoms, cluster_atom, "cluster")
/// Frontend -> itself: the batch (slot, id) sent to a replica on a node is
/// overdue; if that replica still holds it, it counts as lost.
CAF_ADD_ATOM(troupe, troupe::atoms, overdue_atom, "overdue")
/// Anyone -> node agent: answer with the node's name.
CAF_ADD_ATOM(troupe, troupe::atoms, node_name_atom, "nodename")
