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
  auto half = 0.5 * max_qps;
  auto m1 = run_real(one, half, count);
  auto m3 = run_real(three, half, count);
  fmt::print("\nat {:.0f} requests/s offered (50% of peak), latency from "
             "client send to completion:\n\n",
             half);
  fmt::print("| pipeline | p50 us | p99 us | p50 us per hop | p99 us per hop "
             "|\n|---|---|---|---|---|\n");
  auto row = [](const char* name, const latency_summary& l, int hops) {
    fmt::print("| {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n", name, l.p50,
               l.p99, l.p50 / hops, l.p99 / hops);
  };
  row("1 no-op stage", m1.from_send_us, 1);
  row("3 no-op stages", m3.from_send_us, 3);
  fmt::print("| marginal hop (3 stages - 1 stage) / 2 | | | {:.1f} | {:.1f} "
             "|\n",
             (m3.from_send_us.p50 - m1.from_send_us.p50) / 2,
             (m3.from_send_us.p99 - m1.from_send_us.p99) / 2);
  fmt::print("\nfrom scheduled arrival (adds the client's timer slack): 1 "
             "stage p50 {:.1f} us p99 {:.1f} us\n",
             m1.summary.latency_ms.p50 * 1e3, m1.summary.latency_ms.p99 * 1e3);
  return 0;
}

} // namespace troupe::bench
