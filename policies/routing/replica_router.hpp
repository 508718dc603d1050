#pragma once

// Which idle replica of a stage gets the next batch: a policy object
// deciding from a snapshot of the replicas' idle flags. (Which successors a
// request goes on to is a frontend's dispatch decision: see
// messages/dispatch.hpp and stage_visit::route.)

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace troupe {

enum class routing_kind {
  /// The idle replica with the lowest index: keeps low replicas warm and
  /// leaves high ones free to be scaled away.
  first_idle,
  /// Idle replicas in turn, starting after the last one chosen: spreads load.
  round_robin,
};

/// Parses "first_idle" or "round_robin".
inline std::optional<routing_kind>
parse_routing_kind(const std::string& text) {
  if (text == "first_idle")
    return routing_kind::first_idle;
  if (text == "round_robin")
    return routing_kind::round_robin;
  return std::nullopt;
}

inline const char* to_string(routing_kind x) {
  return x == routing_kind::round_robin ? "round_robin" : "first_idle";
}

class replica_router {
public:
  virtual ~replica_router() = default;

  /// Picks an idle replica (idle[i]: replica i can take a batch), or
  /// nothing when all are busy.
  virtual std::optional<size_t> pick(const std::vector<bool>& idle) = 0;
};

std::unique_ptr<replica_router> make_replica_router(routing_kind kind);

} // namespace troupe
