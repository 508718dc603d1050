#pragma once

// Which idle replica of a stage gets the next batch. A pure decision over a
// snapshot of the replicas' idle flags.

#include <cstddef>
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
std::optional<routing_kind> parse_routing_kind(const std::string& text);

inline const char* to_string(routing_kind x) {
  return x == routing_kind::round_robin ? "round_robin" : "first_idle";
}

class replica_router {
public:
  explicit replica_router(routing_kind kind = routing_kind::first_idle)
    : kind_(kind) {
    // nop
  }

  /// Picks an idle replica, or nothing when all are busy.
  std::optional<size_t> pick(const std::vector<bool>& idle) {
    size_t n = idle.size();
    size_t start = kind_ == routing_kind::round_robin ? next_ : 0;
    for (size_t i = 0; i < n; ++i) {
      size_t candidate = (start + i) % n;
      if (idle[candidate]) {
        next_ = candidate + 1;
        return candidate;
      }
    }
    return std::nullopt;
  }

private:
  routing_kind kind_;
  size_t next_ = 0;
};

inline std::optional<routing_kind>
parse_routing_kind(const std::string& text) {
  if (text == "first_idle")
    return routing_kind::first_idle;
  if (text == "round_robin")
    return routing_kind::round_robin;
  return std::nullopt;
}

} // namespace troupe
