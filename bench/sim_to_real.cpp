// The sim-to-real gap: the same scenario and seed in virtual and in real
// time; latency percentiles should agree within a few percent. For a scaled
// scenario it also compares what the scaler did: workers, drops and cost.

#include <cmath>

#include <fmt/format.h>

#include "bench/bench.hpp"

namespace troupe::bench {

int sim_to_real(const std::string& scenario_file,
                std::optional<uint64_t> count) {
  auto sc = load_scenario(scenario_file);
  run_options virtual_opts;
  virtual_opts.count = count;
  auto sim = summarize(sc, run_scenario(sc, virtual_opts));
  run_options real_opts = virtual_opts;
  real_opts.clock = clock_kind::real_time;
  auto real = summarize(sc, run_scenario(sc, real_opts));
  auto gap = [](double v, double r) { return 100.0 * (r - v) / v; };
  fmt::print("| {} ({} requests) | virtual | real | gap |\n|---|---|---|---|\n",
             sc.name, sim.sent);
  fmt::print("| p50 latency ms | {:.2f} | {:.2f} | {:+.2f}% |\n",
             sim.latency_ms.p50, real.latency_ms.p50,
             gap(sim.latency_ms.p50, real.latency_ms.p50));
  fmt::print("| p99 latency ms | {:.2f} | {:.2f} | {:+.2f}% |\n",
             sim.latency_ms.p99, real.latency_ms.p99,
             gap(sim.latency_ms.p99, real.latency_ms.p99));
  fmt::print("| mean latency ms | {:.2f} | {:.2f} | {:+.2f}% |\n",
             sim.latency_ms.mean, real.latency_ms.mean,
             gap(sim.latency_ms.mean, real.latency_ms.mean));
  fmt::print("| completed | {} | {} | |\n", sim.completed, real.completed);
  if (sim.scaling_policy != "none") {
    fmt::print("| dropped | {} | {} | |\n", sim.dropped, real.dropped);
    for (size_t i = 0; i < sim.stages.size(); ++i)
      if (sim.stages[i].scaled)
        fmt::print("| {} mean workers (max) | {:.2f} ({}) | {:.2f} ({}) | |\n",
                   sim.stages[i].name, sim.stages[i].mean_workers,
                   sim.stages[i].max_workers, real.stages[i].mean_workers,
                   real.stages[i].max_workers);
    fmt::print("| worker cost | {:.4f} | {:.4f} | {:+.2f}% |\n",
               sim.worker_cost, real.worker_cost,
               gap(sim.worker_cost, real.worker_cost));
  }
  bool within = std::abs(gap(sim.latency_ms.p50, real.latency_ms.p50)) <= 5
                && std::abs(gap(sim.latency_ms.p99, real.latency_ms.p99)) <= 5;
  fmt::print("\ntarget (p50 and p99 within 5%): {}\n",
             within ? "met" : "MISSED");
  return 0;
}

} // namespace troupe::bench
