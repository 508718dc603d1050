#pragma once

// The one error enum of troupe. Every value states whether a client may retry.

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace troupe {

enum class errc : uint8_t {
  /// Not an error.
  none = 0,
  /// A batch larger than the replica's profile covers. Not retryable: the
  /// frontend's max_batch is wrong (scenario validation prevents it).
  batch_too_large,
  /// The request's payload cannot be served by this replica (wrong shape,
  /// missing data-set index). Not retryable.
  invalid_payload,
  /// The replica or its node died while holding the request. Retryable.
  replica_lost,
  /// The frontend's bounded queue was full on arrival. Retryable later.
  queue_full,
  /// The request can no longer meet its deadline. Retryable with a new one.
  deadline_expired,
  /// At admission: the queue ahead of the request and the stage's service
  /// time say it cannot meet its deadline (seed 004's early drop).
  /// Retryable with a new deadline.
  deadline_unreachable,
  /// The run was cancelled (Ctrl-C) before the request ended, and its grace
  /// period ran out. Retryable.
  cancelled,
  /// The run was aborted before the request ended: an actor of the pipeline
  /// died. Retryable.
  aborted,
  /// The routes chosen for the request (per-request routes at forks) reached
  /// no leaf stage. Not retryable: the routing decision is wrong.
  no_route,
  /// The model's forward pass failed on a valid input (a module that does
  /// not match its config, or an internal LibTorch error). Not retryable.
  model_error,
  /// Virtual time: every request had been sent, and none ended for the
  /// run's stall limit while this one was still in flight (a controller
  /// that holds it forever). Not retryable: the pipeline would hold it
  /// again.
  stalled,
  /// Cluster mode: a node could not be reached, named or given its
  /// replicas before the run (its address, its name, TLS). Retryable once
  /// the node is up.
  node_unreachable,
};

/// Category atom under which troupe errors travel inside caf::error.
constexpr caf::atom_value error_category = caf::atom("troupe");

/// Human-readable name of an error value, e.g. "queue_full".
std::string to_string(errc x);

/// Whether a client may try the same request again.
bool is_retryable(errc x);

/// Wraps an errc into a caf::error (picked up by CAF through ADL).
caf::error make_error(errc x);
caf::error make_error(errc x, std::string context);

} // namespace troupe
