// The sim-to-real gap: the same scenario and seed in virtual and in real
// time; latency percentiles should agree within a few percent.

#include <cmath>

#include <fmt/format.h>

#include "bench/bench.hpp"

namespace troupe::bench {

int sim_to_real(const std::string& scenario_file) {
  auto sc = load_scenario(scenario_file);
  run_options virtual_opts;
  auto sim = summarize(sc, run_scenario(sc, virtual_opts));
  run_options real_opts;
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
  bool within = std::abs(gap(sim.latency_ms.p50, real.latency_ms.p50)) <= 5
                && std::abs(gap(sim.latency_ms.p99, real.latency_ms.p99)) <= 5;
  fmt::print("\ntarget (p50 and p99 within 5%): {}\n",
             within ? "met" : "MISSED");
  return 0;
}

} // namespace troupe::bench
