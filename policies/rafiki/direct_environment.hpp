#pragma once

// Rafiki's environment (seed 000) without actors, for training: a loop
// plays the frontend's part for a step controller. The requests wait in a
// FIFO queue of arrival times; the loop asks the controller exactly when
// the actor graph's frontend does: when a request arrives at an empty
// queue, when the controller's last answer said to ask again, and right
// after each batch (arrivals at or before the instant join first). Every
// other event of the graph (a question at an arrival to a waiting queue, a
// model's completion) changes no answer, so the steps are the graph's own:
// tests/rafiki_direct.cpp checks that both give the same records. The loop
// moves no request objects and sends no messages, which is what makes
// training fast; the deployed policy still runs on the graph.

#include <cstdint>
#include <vector>

#include "policies/rafiki/step_controller.hpp"

namespace troupe::rafiki {

struct direct_outcome {
  /// Requests that joined the queue.
  uint64_t arrived = 0;
  /// Requests that a batch took.
  uint64_t served = 0;
  /// The agent ran out of actions before the arrivals did.
  bool exhausted = false;
};

/// Runs `steps` over the arrivals (ns since the run's start, ascending)
/// until every request is served or the agent is exhausted.
direct_outcome run_direct(step_controller& steps,
                          const std::vector<int64_t>& arrivals_ns);

} // namespace troupe::rafiki
