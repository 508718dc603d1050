#pragma once

// The one actor-system configuration of troupe, shared by the runtime, the
// benchmarks and the tests: troupe's message types, the renderer that prints
// troupe errors by name ("queue_full: ...", not "error(5, troupe)"), the
// scheduler of the chosen clock, and in cluster mode CAF's network layer.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

#include "runtime/clock_kind.hpp"

namespace troupe {

class core_lender;

/// The network side of cluster mode (docs/cluster.md), for the coordinator
/// and for node processes alike.
struct network_settings {
  /// Load CAF's middleman (BASP over TCP).
  bool enabled = false;
  /// Mutual TLS through caf-openssl: this process's certificate and key
  /// (PEM files) and the cluster's CA file, which every peer's certificate
  /// must be signed by. All empty: plain TCP.
  std::string certificate;
  std::string key;
  std::string ca_file;
  /// Every connection sends a heartbeat this often, and a connection that
  /// has heard nothing for connection_timeout is closed: a node that
  /// vanishes without closing its socket is noticed too.
  caf::timespan heartbeat = std::chrono::milliseconds(100);
  caf::timespan connection_timeout = std::chrono::milliseconds(500);

  /// Sets the connection timeout, and heartbeats five times as often: one
  /// late heartbeat, or a few, never closes a connection.
  void set_connection_timeout(caf::timespan timeout) {
    connection_timeout = timeout;
    heartbeat = timeout / 5;
  }

  bool tls() const {
    return !certificate.empty();
  }
};

class system_config : public caf::actor_system_config {
public:
  /// Virtual time uses CAF's deterministic test coordinator; real time the
  /// work-stealing scheduler with `threads` workers (0 = one per core).
  /// `network.enabled` loads the middleman (real time only), and caf-openssl
  /// when it names certificates.
  explicit system_config(clock_kind clock, size_t threads = 0,
                         const network_settings& network = {});
};

/// Registers the actors a coordinator may spawn on this process (a node):
/// the replica, scheduled and detached (actors/cluster_keeper.hpp,
/// replica_type_name). With a `lender`, each torch replica spawned here
/// keeps to the cores it lends, while it lends them.
void add_remote_actor_types(caf::actor_system_config& cfg,
                            std::shared_ptr<core_lender> lender = nullptr);

} // namespace troupe
