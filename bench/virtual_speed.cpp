// How fast the virtual clock runs the default scenario: simulated requests
// and actor messages per second of wall time (one core: the test coordinator
// runs every actor on the calling thread).

#include <fmt/format.h>

#include "bench/bench.hpp"

namespace troupe::bench {

int virtual_speed(const std::string& scenario_file, int repeat) {
  auto sc = load_scenario(scenario_file);
  std::vector<double> requests_per_s;
  std::vector<double> messages_per_s;
  uint64_t sent = 0;
  uint64_t events = 0;
  double simulated_s = 0;
  for (int i = 0; i < repeat; ++i) {
    auto run = run_scenario(sc, run_options{});
    auto s = summarize(sc, run);
    sent = s.sent;
    events = s.events;
    simulated_s = s.duration_s;
    requests_per_s.push_back(double(s.sent) / run.wall_s);
    messages_per_s.push_back(double(s.events) / run.wall_s);
    fmt::print("run {}: {:.3f} s wall\n", i + 1, run.wall_s);
  }
  fmt::print("\n| scenario | requests | actor messages | simulated s | "
             "simulated requests/s wall | actor messages/s wall |\n"
             "|---|---|---|---|---|---|\n"
             "| {} | {} | {} | {:.1f} | {:.0f} | {:.0f} |\n",
             sc.name, sent, events, simulated_s, median(requests_per_s),
             median(messages_per_s));
  return 0;
}

} // namespace troupe::bench
