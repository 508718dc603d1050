#pragma once

// Messages of cluster mode (docs/cluster.md): replicas that run on node
// processes hand their batches back to their frontend, which keeps a copy
// of each batch until then; the cluster keeper connects the nodes, spawns
// the replicas there and tells the frontends which replicas joined; the
// frontends tell it what they lost.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "messages/batch.hpp"

namespace troupe {

/// Replica -> its frontend, for replicas that report back
/// (replica_options::reports_to_frontend): batch `batch_id` is done (the
/// requests it failed went to the sink already) and the replica is idle.
/// The frontend sends the batch on, unless it has given the batch to
/// another replica meanwhile (a late answer: dropped, so that each request
/// ends once).
struct served_batch {
  uint16_t replica = 0;
  uint32_t batch_id = 0;
  batch work;
};

inline bool operator==(const served_batch& x, const served_batch& y) {
  return x.replica == y.replica && x.batch_id == y.batch_id
         && x.work == y.work;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, served_batch& x) {
  return f(caf::meta::type_name("served_batch"), x.replica, x.batch_id,
           x.work);
}

/// Cluster keeper -> frontend: replica slot `replica` is served by `handle`
/// (a replica_actor on a node) from now on.
struct replica_joined {
  uint16_t replica = 0;
  caf::actor handle;
};

inline bool operator==(const replica_joined& x, const replica_joined& y) {
  return x.replica == y.replica && x.handle == y.handle;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_joined& x) {
  return f(caf::meta::type_name("replica_joined"), x.replica, x.handle);
}

/// Frontend -> cluster keeper: a replica on a node died (`reason`); the
/// frontend took back the `retried` requests it held and queued them again.
struct replica_lost {
  stage_id stage = 0;
  uint16_t replica = 0;
  /// The replica that died (the keeper tells a report about a replica it
  /// has replaced since from one about its current replica).
  caf::actor handle;
  caf::timespan when{0};
  caf::error reason;
  uint32_t retried = 0;
  /// Replicas of the stage left alive.
  uint32_t left = 0;
};

inline bool operator==(const replica_lost& x, const replica_lost& y) {
  return x.stage == y.stage && x.replica == y.replica && x.handle == y.handle
         && x.when == y.when && x.reason == y.reason
         && x.retried == y.retried && x.left == y.left;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_lost& x) {
  return f(caf::meta::type_name("replica_lost"), x.stage, x.replica,
           x.handle, x.when, x.reason, x.retried, x.left);
}

/// What happened to a node.
enum class node_event_kind : uint8_t {
  /// Its connection ended.
  lost,
  /// Its replicas were spawned again and serve.
  rejoined,
  /// One of its replicas died, with the connection or alone; `retried`
  /// counts the requests its frontend took back.
  replica_lost,
};

/// "lost", "rejoined" or "replica lost".
std::string to_string(node_event_kind x);

/// Something that happened to a node during a run.
struct node_event {
  /// The node's name.
  std::string node;
  node_event_kind what = node_event_kind::lost;
  caf::timespan when{0};
  /// Why (the connection's end, a replica's exit reason); empty otherwise.
  std::string detail;
  /// Replicas lost or spawned again.
  uint32_t replicas = 0;
  /// Requests taken back from the lost replicas and queued again.
  uint64_t retried = 0;
};

inline bool operator==(const node_event& x, const node_event& y) {
  return x.node == y.node && x.what == y.what && x.when == y.when
         && x.detail == y.detail && x.replicas == y.replicas
         && x.retried == y.retried;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_event& x) {
  return f(caf::meta::type_name("node_event"), x.node, x.what, x.when,
           x.detail, x.replicas, x.retried);
}

/// Cluster keeper -> runtime at the end of a run: what happened to the
/// nodes, in order.
struct cluster_history {
  std::vector<node_event> events;
};

inline bool operator==(const cluster_history& x, const cluster_history& y) {
  return x.events == y.events;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_history& x) {
  return f(caf::meta::type_name("cluster_history"), x.events);
}

} // namespace troupe
