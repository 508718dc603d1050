// The machine's own scheduling noise. A thread that never blocks reads the
// clock in a loop, one per core; a gap of more than 10 us between two reads
// means the thread was kept off its core (kernel work, the hypervisor, other
// tenants). No runtime on this machine can promise a tail latency below
// what these interruptions cost the requests they hit.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "actors/core_pinning.hpp"
#include "bench/bench.hpp"

namespace troupe::bench {

machine_jitter measure_machine_jitter(double seconds, unsigned threads) {
  using clock = std::chrono::steady_clock;
  constexpr double interruption_us = 10;
  std::vector<std::vector<double>> gaps(threads);
  std::vector<std::thread> spinners;
  auto end = clock::now() + std::chrono::duration<double>(seconds);
  for (unsigned i = 0; i < threads; ++i)
    spinners.emplace_back([&gaps, i, end] {
      auto last = clock::now();
      while (last < end) {
        auto now = clock::now();
        auto gap = std::chrono::duration<double, std::micro>(now - last);
        if (gap.count() > interruption_us)
          gaps[i].push_back(gap.count());
        last = now;
      }
    });
  for (auto& t : spinners)
    t.join();
  std::vector<double> all;
  for (const auto& g : gaps)
    all.insert(all.end(), g.begin(), g.end());
  machine_jitter result;
  if (all.empty() || threads == 0)
    return result;
  std::sort(all.begin(), all.end());
  double lost_us = 0;
  for (double g : all)
    lost_us += g;
  result.interruptions_per_s = all.size() / (seconds * threads);
  result.time_lost = lost_us / (seconds * 1e6 * threads);
  result.p50_us = all[all.size() / 2];
  result.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  result.max_us = all.back();
  return result;
}

double wait_for_quiet_machine(double max_lost, int checks) {
  auto cores = usable_cores();
  double lost = 0;
  for (int i = 0; i < checks; ++i) {
    lost = measure_machine_jitter(0.25, cores).time_lost;
    if (lost < max_lost)
      break;
    fmt::print(stderr, "    (the machine is busy: {:.1f}% of the time lost "
                       "to interruptions; waiting)\n",
               100 * lost);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return lost;
}

cpu_times read_cpu_times() {
  // The first line of /proc/stat: "cpu user nice system idle iowait irq
  // softirq steal ..." in ticks, summed over the cores.
  cpu_times result;
  std::ifstream in{"/proc/stat"};
  std::string line;
  if (!std::getline(in, line))
    return result;
  std::istringstream fields{line};
  std::string name;
  fields >> name;
  uint64_t ticks[8] = {};
  for (int i = 0; i < 8 && fields >> ticks[i]; ++i)
    result.total += ticks[i];
  result.steal = ticks[7];
  result.known = name == "cpu" && result.total > 0;
  return result;
}

double steal_share(const cpu_times& before, const cpu_times& after) {
  if (!before.known || !after.known || after.total <= before.total)
    return 0;
  return double(after.steal - before.steal)
         / double(after.total - before.total);
}

} // namespace troupe::bench
