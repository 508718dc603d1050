#pragma once

// The cluster keeper (cluster mode, real time; docs/cluster.md): the
// coordinator's side of the nodes.
//
//  1. On ready_atom it connects to every node (the node agent published at
//     its address), checks the node's name, spawns the replicas placed on it
//     through CAF's middleman (remote spawn of "troupe.replica"), waits for
//     each to be ready, and hands each to its frontend (replica_joined).
//     It answers ready once every replica on every node is; a node that
//     cannot be reached or named fails the run before it starts.
//  2. It monitors each node agent: when a node's connection ends (a kill,
//     or no heartbeat within the connection timeout), it records the loss
//     and retries the connection every retry_interval; when the node is
//     back under the same name, it spawns the node's replicas again, and
//     they rejoin their frontends.
//  3. The frontends report each replica they lost and the requests they
//     took back (replica_lost); progress_atom answers the events so far
//     (for the run's progress lines); cluster_atom, asked once the run is
//     over, stops the retries and answers everything that happened, for the
//     run's report, once the middleman answered every request (see
//     `failure` below).
// Every request to a node has a timeout. On exit it stops the replicas it
// spawned, so that a node serves the next run fresh.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/io/middleman_actor.hpp>
#include <caf/node_id.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/replica.hpp"
#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"

namespace troupe {

/// A node as the keeper reaches it.
struct keeper_node {
  std::string name;
  std::string host;
  uint16_t port = 0;
  /// host:port as the scenario writes it (node_spec::address), for
  /// messages.
  std::string address;
};

inline bool operator==(const keeper_node& x, const keeper_node& y) {
  return x.name == y.name && x.host == y.host && x.port == y.port
         && x.address == y.address;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, keeper_node& x) {
  return f(caf::meta::type_name("keeper_node"), x.name, x.host, x.port,
           x.address);
}

/// A replica the keeper spawns on a node for a frontend's slot.
struct keeper_replica {
  /// Index into cluster_keeper_options::nodes.
  uint32_t node = 0;
  /// The slot of the frontend it serves (replica_options::index).
  uint16_t slot = 0;
  replica_options options;
  /// Spawned detached on the node (its forward pass blocks a thread).
  bool detached = false;
  frontend_actor frontend;
};

inline bool operator==(const keeper_replica& x, const keeper_replica& y) {
  return x.node == y.node && x.slot == y.slot && x.options == y.options
         && x.detached == y.detached && x.frontend == y.frontend;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, keeper_replica& x) {
  return f(caf::meta::type_name("keeper_replica"), x.node, x.slot, x.options,
           x.detached, x.frontend);
}

struct cluster_keeper_options {
  /// The stages' names, by stage id (for messages).
  std::vector<std::string> stages;
  std::vector<keeper_node> nodes;
  std::vector<keeper_replica> replicas;
  /// Connect through caf-openssl (mutual TLS; the actor system loaded
  /// openssl::manager with the cluster's certificates).
  bool tls = false;
  /// How long connecting to a node may take, and asking its name.
  caf::timespan connect_timeout = std::chrono::seconds(5);
  /// How long spawning one replica and its getting ready may take (a
  /// model replica loads its models first).
  caf::timespan spawn_timeout = std::chrono::minutes(5);
  /// How often a lost node is tried again.
  caf::timespan retry_interval = std::chrono::milliseconds(250);
  /// Before the run, how many times a node is tried whose connection timed
  /// out (it answered, then stayed silent longer than the connection
  /// timeout: a loaded machine, not a wrong address). Other failures end
  /// the start at once.
  uint32_t start_attempts = 3;
  /// The middleman actor to connect and spawn through; null: the actor
  /// system's (caf-openssl's with tls). Tests pass a fake one.
  caf::io::middleman_actor middleman;
};

inline bool operator==(const cluster_keeper_options& x,
                       const cluster_keeper_options& y) {
  return x.stages == y.stages && x.nodes == y.nodes
         && x.replicas == y.replicas && x.tls == y.tls
         && x.connect_timeout == y.connect_timeout
         && x.spawn_timeout == y.spawn_timeout
         && x.retry_interval == y.retry_interval
         && x.start_attempts == y.start_attempts
         && x.middleman == y.middleman;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        cluster_keeper_options& x) {
  return f(caf::meta::type_name("cluster_keeper_options"), x.stages, x.nodes,
           x.replicas, x.tls, x.connect_timeout, x.spawn_timeout,
           x.retry_interval, x.start_attempts, x.middleman);
}

/// The name a node registers the replica under, for remote spawn.
inline const char* replica_type_name(bool detached) {
  return detached ? "troupe.replica.detached" : "troupe.replica";
}

struct cluster_keeper_state : run_member {
  static inline const char* name = "cluster_keeper";

  enum class link { down, connecting, up };

  struct node_link {
    link state = link::down;
    caf::node_id id;
    caf::actor agent;
    /// Replicas of this node not yet ready in the current attempt.
    size_t pending = 0;
    /// Bumped at every attempt: answers of an older attempt are ignored.
    uint32_t attempt = 0;
    /// Attempts before the run that timed out.
    uint32_t timed_out = 0;
  };

  /// The options; their middleman is the system's when none was given.
  cluster_keeper_options options;
  std::vector<node_link> nodes;
  /// Per entry of options.replicas: its live actor, or null. Shared with
  /// the clean-up that stops them when the keeper ends (the state is gone
  /// by then).
  std::shared_ptr<std::vector<caf::actor>> spawned_replicas
    = std::make_shared<std::vector<caf::actor>>();
  std::vector<caf::actor>& spawned = *spawned_replicas;
  /// Set once run_start arrived: replicas spawned later get it too.
  std::optional<run_start> started;
  /// The ready_atom request, answered once every node is up.
  std::optional<caf::typed_response_promise<atoms::ready_atom>> ready;
  /// Why the run cannot start, held until no request to the middleman is
  /// outstanding: a run that ends while the middleman still connects to a
  /// node keeps CAF 0.17's middleman actor alive, and the actor system then
  /// waits for its thread forever.
  std::optional<caf::error> failure;
  size_t middleman_requests = 0;
  /// The run is over (cluster_atom came): no more retries; the history is
  /// answered once no middleman request is outstanding.
  bool closing = false;
  std::optional<caf::typed_response_promise<cluster_history>> closed;
  cluster_history history;

  /// Records an event at `when`.
  void record(std::string node, node_event_kind what, caf::timespan when,
              std::string detail, uint32_t replicas, uint64_t retried);

  /// The index in options.replicas of slot `slot` of `stage`, if any.
  std::optional<size_t> entry_of(stage_id stage, uint16_t slot) const;
};

using cluster_keeper_pointer
  = cluster_keeper_actor::stateful_pointer<cluster_keeper_state>;

cluster_keeper_actor::behavior_type
cluster_keeper(cluster_keeper_pointer self, cluster_keeper_options options);

} // namespace troupe
