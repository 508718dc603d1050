#pragma once

// The bridge between scenarios and the planners of policies/planning: the
// planning problem a scenario poses, a plan applied back to a scenario, and
// the latency oracle that answers "what is this plan's P99?" by running the
// scenario's own actor graph in virtual time.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "policies/planning/plan.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

/// Model stages become planned stages (hardware best first: dearest per
/// replica, then fastest at batch size 1); join and noop stages stay as they
/// are. The mean rate is that of `sample`. Throws std::invalid_argument for
/// a stage with a controller (it may route requests past stages).
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
/// sample of the workload; remembers every answer, and the per-request
/// latencies of the latest runs.
class simulated_latency : public latency_oracle {
public:
  simulated_latency(scenario sc,
                    std::shared_ptr<const arrival_times> sample);

  double p99_ms(const pipeline_plan& plan) override;

  double p99_ms(const pipeline_plan& plan,
                const std::vector<size_t>& stages) override;

  std::shared_ptr<const std::vector<double>>
  latencies_ms(const pipeline_plan& plan,
               const std::vector<size_t>& stages) override;

  /// Runs the chains among them (runs_as_direct_chain) on every core.
  void prefetch(const std::vector<pipeline_plan>& plans,
                const std::vector<size_t>& stages) override;

  const std::vector<double>& arrivals_ms() const override {
    return arrivals_ms_;
  }

  uint64_t simulations() const override {
    return simulations_;
  }

  /// Called after each simulation (progress lines).
  std::function<void(uint64_t simulations)> after_simulation;

private:
  using key = std::pair<std::vector<size_t>, pipeline_plan>;

  /// Runs the plan on `stages`: remembers its P99, and returns its
  /// latencies (null when it stopped early).
  std::shared_ptr<const std::vector<double>>
  simulate(const pipeline_plan& plan, const std::vector<size_t>& stages,
           const key& k);

  /// The scenario that runs `plan` on `stages`.
  scenario planned(const pipeline_plan& plan,
                   const std::vector<size_t>& stages) const;

  /// Remembers a run's latencies (none: it stopped early) and its P99.
  std::shared_ptr<const std::vector<double>>
  remember(const key& k, std::optional<std::vector<double>> run);

  /// Requests late beyond which a run stops: its P99 misses the SLO.
  size_t late_allowed() const;

  scenario base_;
  std::shared_ptr<const arrival_times> sample_;
  std::vector<double> arrivals_ms_;
  std::vector<size_t> all_stages_;
  std::map<key, double> memo_;
  /// The latencies of recent runs, the oldest forgotten first once they
  /// hold more than latency_budget_ values.
  std::map<key, std::shared_ptr<const std::vector<double>>> latencies_;
  std::deque<key> latency_order_;
  size_t latency_values_ = 0;
  static constexpr size_t latency_budget_ = size_t{16} << 20;
  uint64_t simulations_ = 0;
};

} // namespace troupe
