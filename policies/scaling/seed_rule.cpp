#include "policies/scaling/seed_rule.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "models/durations.hpp"

namespace troupe {

uint32_t largest_timely_batch(const profile& service, double rate_qps,
                              double stage_slo_ms, double overhead_ms) {
  if (rate_qps <= 0)
    return 1;
  uint32_t best = 1;
  for (uint32_t b = 1; b <= service.max_batch(); ++b) {
    auto collect_ms = 1000.0 * (b - 1) / rate_qps;
    if (to_ms(service.service_time(b)) + collect_ms + overhead_ms
        <= stage_slo_ms)
      best = b;
  }
  return best;
}

uint32_t workers_for(const profile& service, double rate_qps,
                     uint32_t batch) {
  if (rate_qps <= 0)
    return 0;
  // A hair below the next integer counts as that integer: 2.0000000001
  // workers is 2 workers, not 3.
  auto need = rate_qps / service.throughput_qps(batch);
  return static_cast<uint32_t>(std::ceil(need - 1e-9));
}

stage_sizing seed_rule(const profile& service, double rate_qps,
                       double stage_slo_ms, const seed_rule_options& options) {
  stage_sizing result;
  result.batch = largest_timely_batch(service, rate_qps, stage_slo_ms,
                                      options.overhead_ms);
  result.workers = std::max(
    1u, workers_for(service, options.headroom * rate_qps, result.batch)
          + options.margin);
  return result;
}

} // namespace troupe
