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
struct payload;
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

} // namespace troupe

CAF_BEGIN_TYPE_ID_BLOCK(troupe, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(troupe, (troupe::stage_visit))
  CAF_ADD_TYPE_ID(troupe, (troupe::payload))
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

CAF_END_TYPE_ID_BLOCK(troupe)

// -- atoms (at most 10 characters each) ---------------------------------------

/// Frontend -> replica: serve this batch.
CAF_ADD_ATOM(troupe, troupe, serve_atom, "serve")
/// Replica -> itself after the service time: the batch is done.
CAF_ADD_ATOM(troupe, troupe, finished_atom, "finished")
/// Client -> itself: emit the requests that are due now.
CAF_ADD_ATOM(troupe, troupe, emit_atom, "emit")
/// Real time only. Client -> sink: pace me; sink -> client: completions were
/// recorded, emit what is due now (see client_options::paced_by_sink).
CAF_ADD_ATOM(troupe, troupe, pace_atom, "pace")
/// Runtime -> sink: answer with all outcomes once every request has ended.
CAF_ADD_ATOM(troupe, troupe, collect_atom, "collect")
/// Scaler -> itself: an interval is over, measure and decide.
CAF_ADD_ATOM(troupe, troupe, tick_atom, "tick")
/// Scaler -> frontend: answer with your stage_load.
CAF_ADD_ATOM(troupe, troupe, load_atom, "load")
/// Frontend -> itself after the cold start: worker (slot, generation) is up.
CAF_ADD_ATOM(troupe, troupe, booted_atom, "booted")
/// Frontend -> itself: the oldest queued request waited long enough, send a
/// partial batch.
CAF_ADD_ATOM(troupe, troupe, flush_atom, "flush")
/// Runtime -> scaler: answer with the scaling_history.
CAF_ADD_ATOM(troupe, troupe, history_atom, "history")
