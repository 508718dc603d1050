#pragma once

// Who picks Rafiki's actions (seed 000): a learned policy or a baseline. The
// environment (policies/rafiki/environment.hpp) asks at the start of every
// step and reports the step's reward; an agent may also hold the step back
// for a while (the baselines that wait for a fuller queue).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policies/rafiki/action_space.hpp"
#include "policies/rafiki/tables.hpp"

namespace troupe::rafiki {

/// What an agent sees at the start of a step.
struct decision_view {
  /// The seed's observation (step_rules.hpp: observation()).
  const std::vector<float>& observation;
  size_t queue_length = 0;
  /// How long the oldest queued request has waited (0 when none).
  double oldest_wait_s = 0;
  const tables& models;
  const action_space& actions;
  double tau_s = 0;
  double max_latency_s = 0;
};

struct choice {
  /// Index into the action space.
  size_t action = 0;
  /// > 0: no step now; ask again this much later (a baseline waiting for a
  /// fuller queue).
  double hold_s = 0;
  /// No action any more (a replay ran out of actions): the environment
  /// stops stepping, and requests still queued are not served.
  bool exhausted = false;
};

class agent {
public:
  virtual ~agent() = default;

  virtual choice act(const decision_view& view) = 0;

  /// The reward of the step the last action took.
  virtual void rewarded(double reward) {
    // nop: a baseline does not learn.
  }
};

/// The baselines, by name: "greedy" (every model, the largest batch the
/// queue fills; with fewer queued than the smallest batch it holds 0.1 s
/// until the oldest has waited max_latency, so that a last few requests
/// are served too),
/// "clipper" (every model at the largest batch, holding in 0.05 s ticks
/// until that many are queued or the oldest has waited max_latency),
/// "all-max" (every model at the largest batch, no holding), "best-single"
/// (the most accurate single model at the largest batch) and "random"
/// (uniform over the actions, from `seed`). Null for an unknown name.
std::unique_ptr<agent> make_baseline(const std::string& name, uint64_t seed);

/// The names above, in that order.
const std::vector<std::string>& baselines();

/// The names above, comma-separated.
std::string baseline_names();

/// Plays a fixed sequence of action indexes (a replay), then says
/// exhausted.
std::unique_ptr<agent> make_fixed_agent(std::vector<size_t> actions);

} // namespace troupe::rafiki
