#pragma once

// Control messages between actors, and the outcome records the sink keeps.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/error.hpp"
#include "messages/request.hpp"

namespace troupe {

/// Replica -> its frontend: I finished my batch and can take the next one.
struct replica_idle {
  uint16_t replica = 0;
};

inline bool operator==(const replica_idle& x, const replica_idle& y) {
  return x.replica == y.replica;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_idle& x) {
  return f(caf::meta::type_name("replica_idle"), x.replica);
}

/// Frontend -> sink: these requests were dropped at `stage` for `reason`
/// (errc::queue_full, deadline_expired or deadline_unreachable).
struct drop_notice {
  stage_id stage = 0;
  errc reason = errc::none;
  caf::timespan when{0};
  std::vector<request> requests;
};

inline bool operator==(const drop_notice& x, const drop_notice& y) {
  return x.stage == y.stage && x.reason == y.reason && x.when == y.when
         && x.requests == y.requests;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, drop_notice& x) {
  return f(caf::meta::type_name("drop_notice"), x.stage, x.reason, x.when,
           x.requests);
}

/// Replica -> sink: serving these requests failed with `error`.
struct failure_notice {
  stage_id stage = 0;
  caf::error error;
  caf::timespan when{0};
  std::vector<request> requests;
};

inline bool operator==(const failure_notice& x, const failure_notice& y) {
  return x.stage == y.stage && x.error == y.error && x.when == y.when
         && x.requests == y.requests;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, failure_notice& x) {
  return f(caf::meta::type_name("failure_notice"), x.stage, x.error, x.when,
           x.requests);
}

/// Client -> sink: the workload is over; `sent` requests were emitted in all.
struct client_done {
  uint64_t sent = 0;
};

inline bool operator==(const client_done& x, const client_done& y) {
  return x.sent == y.sent;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_done& x) {
  return f(caf::meta::type_name("client_done"), x.sent);
}

/// Runtime -> every actor, once all reported ready: the run starts. Traces
/// hold offsets from `epoch`, a point of the actor clock given as its time
/// since the clock's own epoch (a value, so that it travels as one).
struct run_start {
  caf::timespan epoch{0};
};

inline bool operator==(const run_start& x, const run_start& y) {
  return x.epoch == y.epoch;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_start& x) {
  return f(caf::meta::type_name("run_start"), x.epoch);
}

/// Sink -> runtime, the answer to progress_atom: how far the run is.
struct run_counts {
  /// Requests the client sent; known once it said so (client_done).
  uint64_t sent = 0;
  bool all_sent = false;
  /// Requests that ended so far, and those of them that ended late
  /// (completed after their deadline, dropped or failed).
  uint64_t ended = 0;
  uint64_t late = 0;
};

inline bool operator==(const run_counts& x, const run_counts& y) {
  return x.sent == y.sent && x.all_sent == y.all_sent && x.ended == y.ended
         && x.late == y.late;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_counts& x) {
  return f(caf::meta::type_name("run_counts"), x.sent, x.all_sent, x.ended,
           x.late);
}

/// How a request ended. Every request ends exactly once.
enum class outcome_kind : uint8_t { completed, dropped, failed };

std::string to_string(outcome_kind x);

/// The sink's record of one ended request.
struct request_outcome {
  request req;
  outcome_kind kind = outcome_kind::completed;
  /// When it completed (all leaf stages done), or was dropped or failed.
  caf::timespan finish{0};
  /// Where it was dropped or failed; source_stage when completed.
  stage_id stage = source_stage;
  /// Drop reason or failure cause; errc::none when completed.
  errc reason = errc::none;
  /// Failure text (the caf::error rendered); empty otherwise.
  std::string error;
};

inline bool operator==(const request_outcome& x, const request_outcome& y) {
  return x.req == y.req && x.kind == y.kind && x.finish == y.finish
         && x.stage == y.stage && x.reason == y.reason && x.error == y.error;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_outcome& x) {
  return f(caf::meta::type_name("request_outcome"), x.req, x.kind, x.finish,
           x.stage, x.reason, x.error);
}

/// Whether a completed request's prediction matches its input's known
/// label; nothing when either is unknown or the request did not complete.
inline std::optional<bool> correct(const request_outcome& x) {
  if (x.kind != outcome_kind::completed || x.req.input.label < 0
      || !x.req.result || x.req.result->label < 0)
    return std::nullopt;
  return x.req.result->label == x.req.input.label;
}

/// Sink -> runtime at the end of a run: one record per request, by id.
struct run_outcomes {
  uint64_t sent = 0;
  std::vector<request_outcome> records;
  /// Leaf results that reached the sink after their request had already
  /// ended (the other branch of a fan-out was dropped): work wasted.
  uint64_t orphaned_results = 0;
};

inline bool operator==(const run_outcomes& x, const run_outcomes& y) {
  return x.sent == y.sent && x.records == y.records
         && x.orphaned_results == y.orphaned_results;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_outcomes& x) {
  return f(caf::meta::type_name("run_outcomes"), x.sent, x.records,
           x.orphaned_results);
}

} // namespace troupe
