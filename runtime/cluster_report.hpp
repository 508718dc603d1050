#pragma once

// What each node of a cluster run did (docs/cluster.md): the replicas it
// hosted, the requests it served, and what happened to it (its losses, the
// replicas and requests that went with them, its rejoins). `troupe run`
// prints it and summary.json holds it.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "messages/cluster.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

struct node_report {
  std::string name;
  std::string address;
  /// Replica slots placed on it.
  uint32_t replicas = 0;
  /// Requests whose visit of a stage it finished.
  uint64_t served = 0;
  /// Times its connection ended, and times it came back.
  uint32_t losses = 0;
  uint32_t rejoins = 0;
  /// Replicas lost with it, and the requests they held, queued again.
  uint32_t replicas_lost = 0;
  uint64_t retried = 0;
  /// Its events, in order.
  std::vector<node_event> events;
};

/// One report per [[nodes]] entry, in file order; empty without nodes.
std::vector<node_report> report_nodes(const scenario& sc,
                                      const run_result& run);

/// One event in a line, as `troupe run` prints it while the run goes on:
/// "node 'a' lost at 1.000 s: exit_reason(remote_link_unreachable)".
std::string describe(const node_event& event);

/// The lines `troupe run` prints (empty without nodes).
std::string render_nodes(const std::vector<node_report>& nodes);

/// The "nodes" array of summary.json (a JSON value, one node per line).
void write_nodes_json(std::ostream& out,
                      const std::vector<node_report>& nodes);

} // namespace troupe
