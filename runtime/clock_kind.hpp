#pragma once

// The two clocks the same actor graph runs under.

#include <optional>
#include <string>

namespace troupe {

enum class clock_kind {
  /// CAF's deterministic test coordinator: delayed messages wait for virtual
  /// time only; same scenario and seed give identical outcomes.
  virtual_time,
  /// CAF's work-stealing scheduler with real waiting.
  real_time,
};

/// Parses "virtual" or "real".
std::optional<clock_kind> parse_clock_kind(const std::string& text);

std::string to_string(clock_kind x);

} // namespace troupe
