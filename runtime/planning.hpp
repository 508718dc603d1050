#pragma once

// The bridge between scenarios and the planners of policies/planning: the
// planning problem a scenario poses, a plan applied back to a scenario, and
// the latency oracle that answers "what is this plan's P99?" by running the
// scenario's own actor graph in virtual time.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "policies/planning/plan.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

/// Model stages become planned stages (hardware best first: dearest per
/// replica, then fastest at batch size 1); join and noop stages stay as they
/// are. The mean rate is that of `sample`.
planning_problem planning_problem_for(const scenario& sc,
                                      const arrival_times& sample,
                                      double slo_ms, uint32_t max_replicas);

/// The scenario's own provisioning, as a plan.
pipeline_plan plan_of(const scenario& sc);

/// The scenario provisioned as `plan` says (hardware, max_batch, replicas),
/// without a scaler: a plan is a static provisioning.
scenario with_plan(scenario sc, const pipeline_plan& plan);

/// Only `stages` (closed under inputs) of the scenario; the ones that feed
/// no other kept stage become its leaves.
scenario sub_scenario(const scenario& sc, const std::vector<size_t>& stages);

/// The P99 end-to-end latency of the actor graph in virtual time on one
/// sample of the workload; remembers every answer.
class simulated_latency : public latency_oracle {
public:
  simulated_latency(scenario sc,
                    std::shared_ptr<const arrival_times> sample);

  double p99_ms(const pipeline_plan& plan) override;

  double p99_ms(const pipeline_plan& plan,
                const std::vector<size_t>& stages) override;

  uint64_t simulations() const override {
    return simulations_;
  }

  /// Called after each simulation (progress lines).
  std::function<void(uint64_t simulations)> after_simulation;

private:
  double simulate(const scenario& sc);

  scenario base_;
  std::shared_ptr<const arrival_times> sample_;
  std::vector<size_t> all_stages_;
  std::map<std::pair<std::vector<size_t>, pipeline_plan>, double> memo_;
  uint64_t simulations_ = 0;
};

} // namespace troupe
