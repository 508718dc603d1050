// The runtime's own cost in real time, on no-op stages (zero service time):
//  1. peak throughput: far more offered load than one stage can take, with
//     batching (max_batch 64); throughput = completed / (first arrival to
//     last completion);
//  2. latency at 50% of that peak, through 1 and 3 stages, from the moment
//     the client sent a request to its completion, per stage (hop).

#include <fmt/format.h>

#include "bench/bench.hpp"

namespace troupe::bench {

namespace {

struct measured {
  run_summary summary;
  latency_summary from_send_us;
};

measured run_real(scenario sc, double rate_qps, uint64_t count) {
  sc.workload.rate_qps = rate_qps;
  sc.workload.count = count;
  run_options opts;
  opts.clock = clock_kind::real_time;
  auto run = run_scenario(sc, opts);
  measured m;
  m.summary = summarize(sc, run);
  auto latencies = latencies_from_send_us(run.outcomes);
  m.from_send_us = summarize_latencies(latencies);
  return m;
}

} // namespace

int overhead(const std::string& bench_dir, uint64_t count) {
  auto one = load_scenario(bench_dir + "/noop-1.toml");
  auto three = load_scenario(bench_dir + "/noop-3.toml");
  auto peak = run_real(one, 5e6, count);
  double max_qps = peak.summary.throughput_qps;
  fmt::print("| peak throughput, 1 no-op stage, max_batch 64 | {:.0f} "
             "requests/s ({} of {} completed) |\n|---|---|\n",
             max_qps, peak.summary.completed, peak.summary.sent);
  fmt::print("\nlatency from client send to completion, per hop = per stage; "
             "the marginal hop is (3 stages - 1 stage) / 2:\n\n");
  fmt::print("| offered requests/s | stages | p50 us | p99 us | p50 us per hop "
             "| p99 us per hop | marginal hop p50 us | marginal hop p99 us "
             "|\n|---|---|---|---|---|---|---|---|\n");
  for (double rate : {0.5 * max_qps, 100000.0, 20000.0}) {
    // At most about two seconds per run.
    auto n = std::min<uint64_t>(count, static_cast<uint64_t>(rate * 2));
    auto m1 = run_real(one, rate, n).from_send_us;
    auto m3 = run_real(three, rate, n).from_send_us;
    auto label = rate == 0.5 * max_qps ? fmt::format("{:.0f} (50% of peak)",
                                                     rate)
                                       : fmt::format("{:.0f}", rate);
    fmt::print("| {} | 1 | {:.1f} | {:.1f} | {:.1f} | {:.1f} | | |\n", label,
               m1.p50, m1.p99, m1.p50, m1.p99);
    fmt::print("| {} | 3 | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} "
               "|\n",
               label, m3.p50, m3.p99, m3.p50 / 3, m3.p99 / 3,
               (m3.p50 - m1.p50) / 2, (m3.p99 - m1.p99) / 2);
  }
  return 0;
}

} // namespace troupe::bench
