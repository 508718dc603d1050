#pragma once

// When a frontend gives up on a request instead of serving it late.
// Drops are always reported to the sink with their reason, never hidden.

#include <optional>
#include <string>

#include <caf/timespan.hpp>

namespace troupe {

enum class drop_kind {
  /// Serve everything that fits in the queue, however late.
  none,
  /// At dequeue, drop a request that would finish after its deadline even if
  /// served right now in the batch being formed (it cannot make it here, so
  /// it cannot make it end to end).
  deadline,
};

/// Parses "none" or "deadline".
inline std::optional<drop_kind> parse_drop_kind(const std::string& text) {
  if (text == "none")
    return drop_kind::none;
  if (text == "deadline")
    return drop_kind::deadline;
  return std::nullopt;
}

inline const char* to_string(drop_kind x) {
  return x == drop_kind::deadline ? "deadline" : "none";
}

/// Snapshot for one decision: the time now, the request's deadline and how
/// long the batch it would join takes at this stage.
struct drop_snapshot {
  caf::timespan now{0};
  caf::timespan deadline{0};
  caf::timespan service_time{0};
};

inline bool should_drop(drop_kind kind, const drop_snapshot& x) {
  switch (kind) {
    case drop_kind::none:
      return false;
    case drop_kind::deadline:
      return x.now + x.service_time > x.deadline;
  }
  return false;
}

} // namespace troupe
