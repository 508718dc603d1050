// The runtime's own cost in real time, on no-op stages (zero service time):
//  1. burst peak: the whole workload offered at once to one stage with
//     batching (max_batch 64); throughput = completed / (first arrival to
//     last completion);
//  2. sustained peak of each pipeline (1 and 3 stages): the highest Poisson
//     rate it keeps up with for one second (see keeps_up);
//  3. latency at 50% of each pipeline's sustained peak, and at fixed rates,
//     from the moment the client sent a request to its completion, per hop;
//  4. the machine's own scheduling noise (machine_jitter.cpp), the floor
//     under any tail latency measured here.

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "actors/core_pinning.hpp"
#include "bench/bench.hpp"

namespace troupe::bench {

namespace {

struct measured {
  run_summary summary;
  latency_summary from_send_us;
};

/// One run in a fresh process (this program's `overhead-point`): a run that
/// built a large backlog leaves the heap, and on this virtual machine the
/// guest's memory, in a state that stalls the next run in the same process
/// for about 10 ms.
measured run_real(const std::string& scenario_file, double rate_qps,
                  uint64_t count) {
  static const auto self = std::filesystem::read_symlink("/proc/self/exe");
  auto command = fmt::format("'{}' overhead-point --scenario '{}' --rate {} "
                             "--count {}",
                             self.string(), scenario_file, rate_qps, count);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{popen(command.c_str(), "r"),
                                             pclose};
  measured m;
  if (!pipe || fscanf(pipe.get(), "%" SCNu64 " %" SCNu64 " %lf %lf %lf",
                      &m.summary.sent, &m.summary.completed,
                      &m.summary.throughput_qps, &m.from_send_us.p50,
                      &m.from_send_us.p99)
                 != 5)
    throw std::runtime_error("overhead-point failed: " + command);
  return m;
}

/// Requests for one second of offered load (at most 4 million: the records
/// of a run stay in memory until its end).
uint64_t one_second_of(double rate) {
  return std::min<uint64_t>(4000000, static_cast<uint64_t>(rate));
}

/// A pipeline keeps up with a rate when it completes everything at (almost)
/// the offered rate and its queues stay bounded: the p99 from send stays
/// below a millisecond, far below any growing backlog over a second.
bool keeps_up(const measured& m, double rate) {
  bool ok = m.summary.completed == m.summary.sent
            && m.summary.throughput_qps >= 0.95 * rate
            && m.from_send_us.p99 < 1000;
  fmt::print(stderr, "  offered {:.0f}/s: throughput {:.0f}/s, p99 {:.1f} us: {}\n",
             rate, m.summary.throughput_qps, m.from_send_us.p99,
             ok ? "keeps up" : "falls behind");
  return ok;
}

/// A single stall of the shared machine (milliseconds without a core) looks
/// like a backlog, so a rate gets a second try before it counts as too high.
bool keeps_up_at(const std::string& sc, double rate) {
  for (int attempt = 0; attempt < 2; ++attempt)
    if (keeps_up(run_real(sc, rate, one_second_of(rate)), rate))
      return true;
  return false;
}

/// The highest rate the pipeline keeps up with: grow by 1.5x from 50 k/s
/// until it fails, then bisect the last step twice.
double sustained_peak(const std::string& sc) {
  double good = 0;
  double bad = 0;
  for (double rate = 50000; rate < 2e7; rate *= 1.5) {
    if (keeps_up_at(sc, rate)) {
      good = rate;
    } else {
      bad = rate;
      break;
    }
  }
  if (good == 0 || bad == 0)
    return good;
  for (int step = 0; step < 2; ++step) {
    double mid = (good + bad) / 2;
    if (keeps_up_at(sc, mid))
      good = mid;
    else
      bad = mid;
  }
  return good;
}

/// p50 and p99 from send over one second, each the median over five runs:
/// the shared machine now and then takes a core away for milliseconds,
/// which one run's p99 would report as the runtime's cost.
latency_summary median_latency(const std::string& sc, double rate) {
  std::vector<double> p50s;
  std::vector<double> p99s;
  for (int run = 0; run < 5; ++run) {
    auto m = run_real(sc, rate, one_second_of(rate)).from_send_us;
    p50s.push_back(m.p50);
    p99s.push_back(m.p99);
  }
  latency_summary result;
  result.p50 = median(p50s);
  result.p99 = median(p99s);
  return result;
}

} // namespace

int overhead_point(const std::string& scenario_file, double rate_qps,
                   uint64_t count) {
  auto sc = load_scenario(scenario_file);
  sc.workload.rate_qps = rate_qps;
  sc.workload.count = count;
  run_options opts;
  opts.clock = clock_kind::real_time;
  auto run = run_scenario(sc, opts);
  auto summary = summarize(sc, run);
  auto latencies = latencies_from_send_us(run.outcomes);
  auto from_send = summarize_latencies(latencies);
  fmt::print("{} {} {} {} {}\n", summary.sent, summary.completed,
             summary.throughput_qps, from_send.p50, from_send.p99);
  return 0;
}

int overhead(const std::string& bench_dir, uint64_t burst_count) {
  auto one = bench_dir + "/noop-1.toml";
  auto three = bench_dir + "/noop-3.toml";
  auto cores = usable_cores();
  auto jitter = measure_machine_jitter(2, cores);
  auto burst = run_real(one, 5e7, burst_count);
  double peak1 = sustained_peak(one);
  double peak3 = sustained_peak(three);
  fmt::print("machine floor: {} threads that never block, reading the clock "
             "for 2 s; an interruption is a gap over 10 us:\n\n",
             cores);
  fmt::print("| interruptions per s per core | time lost | p50 us | p99 us "
             "| max us |\n|---|---|---|---|---|\n");
  fmt::print("| {:.0f} | {:.1f}% | {:.0f} | {:.0f} | {:.0f} |\n\n",
             jitter.interruptions_per_s, 100 * jitter.time_lost,
             jitter.p50_us, jitter.p99_us, jitter.max_us);
  fmt::print("| peak throughput, max_batch 64 | requests/s |\n|---|---|\n");
  fmt::print("| 1 stage, burst (all {} requests offered at once) | {:.0f} |\n",
             burst.summary.sent, burst.summary.throughput_qps);
  fmt::print("| 1 stage, sustained (Poisson, about 1 s) | {:.0f} |\n", peak1);
  fmt::print("| 3 stages, sustained (Poisson, about 1 s) | {:.0f} |\n", peak3);
  fmt::print("\nlatency from client send to completion, per hop = per stage; "
             "the marginal hop is (3 stages - 1 stage) / 2:\n\n");
  fmt::print("| offered requests/s | stages | p50 us | p99 us | p50 us per hop "
             "| p99 us per hop |\n|---|---|---|---|---|---|\n");
  auto row = [&](const std::string& sc, int stages, double rate,
                 const std::string& label) {
    auto m = median_latency(sc, rate);
    fmt::print("| {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n", label,
               stages, m.p50, m.p99, m.p50 / stages, m.p99 / stages);
  };
  row(one, 1, peak1 / 2, fmt::format("{:.0f} (50% of 1-stage peak)",
                                     peak1 / 2));
  row(three, 3, peak3 / 2, fmt::format("{:.0f} (50% of 3-stage peak)",
                                       peak3 / 2));
  fmt::print("\n| offered requests/s | 1 stage p50 / p99 us | 3 stages p50 "
             "/ p99 us | marginal hop p50 us | marginal hop p99 us |\n"
             "|---|---|---|---|---|\n");
  for (double rate : {100000.0, 20000.0}) {
    auto m1 = median_latency(one, rate);
    auto m3 = median_latency(three, rate);
    fmt::print("| {:.0f} | {:.1f} / {:.1f} | {:.1f} / {:.1f} | {:.1f} | "
               "{:.1f} |\n",
               rate, m1.p50, m1.p99, m3.p50, m3.p99, (m3.p50 - m1.p50) / 2,
               (m3.p99 - m1.p99) / 2);
  }
  return 0;
}

} // namespace troupe::bench
