#pragma once

// Why a plan is what it is: for each planned stage, every change that would
// make the plan cheaper by that stage alone (one replica fewer, each
// cheaper hardware at the same batch size and replicas) and the constraint
// it would break. A stage's binding constraint is what its next cheaper
// change breaks: throughput (the stage could no longer serve the
// workload's mean rate) or latency (the service times alone, or the
// simulated P99, would exceed the SLO). For a proven cheapest plan every
// such change breaks something; for another planner's plan a change that
// breaks nothing is a saving it missed.

#include <string>
#include <vector>

#include "policies/planning/plan.hpp"

namespace troupe {

enum class binding_constraint { none, throughput, latency };

std::string to_string(binding_constraint x);

struct cheaper_change {
  /// "x3 instead of x4", "TXP instead of V100 (batch 16)".
  std::string change;
  /// The plan's cost after the change.
  double cost = 0;
  /// What it breaks; none when the changed plan still meets the SLO.
  binding_constraint breaks = binding_constraint::none;
  /// How: "serves 83.2 q/s, below the mean rate of 98.7 q/s", ...
  std::string why;
};

struct stage_explanation {
  size_t stage = 0;
  /// The workload's mean rate over the stage's capacity (its best
  /// throughput at a batch size it may form, times its replicas).
  double load = 0;
  /// What the first cheaper change breaks; none when the stage has no
  /// cheaper choice (or the change breaks nothing).
  binding_constraint binds = binding_constraint::none;
  std::vector<cheaper_change> cheaper;
};

/// One entry per planned stage, in the scenario's order.
std::vector<stage_explanation> explain_plan(const planning_problem& problem,
                                            latency_oracle& oracle,
                                            const pipeline_plan& plan);

} // namespace troupe
