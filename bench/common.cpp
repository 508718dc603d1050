#include "bench/bench.hpp"

namespace troupe::bench {

std::vector<double> latencies_from_send_us(const run_outcomes& outcomes) {
  std::vector<double> result;
  result.reserve(outcomes.records.size());
  for (const auto& rec : outcomes.records) {
    if (rec.kind != outcome_kind::completed)
      continue;
    auto latency = rec.finish - sent_time(rec.req);
    result.push_back(double(latency.count()) / 1e3);
  }
  return result;
}

} // namespace troupe::bench
