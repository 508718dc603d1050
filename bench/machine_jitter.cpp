// The machine's own scheduling noise. A thread that never blocks reads the
// clock in a loop, one per core; a gap of more than 10 us between two reads
// means the thread was kept off its core (kernel work, the hypervisor, other
// tenants). No runtime on this machine can promise a tail latency below
// what these interruptions cost the requests they hit.

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

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

} // namespace troupe::bench
