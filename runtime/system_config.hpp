#pragma once

// The one actor-system configuration of troupe, shared by the runtime, the
// benchmarks and the tests: troupe's message types, the renderer that prints
// troupe errors by name ("queue_full: ...", not "error(5, troupe)"), and the
// scheduler of the chosen clock.

#include <cstddef>

#include <caf/actor_system_config.hpp>

#include "runtime/clock_kind.hpp"

namespace troupe {

class system_config : public caf::actor_system_config {
public:
  /// Virtual time uses CAF's deterministic test coordinator; real time the
  /// work-stealing scheduler with `threads` workers (0 = one per core).
  explicit system_config(clock_kind clock, size_t threads = 0);
};

} // namespace troupe
