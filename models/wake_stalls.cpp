#include "models/wake_stalls.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/machine_stalls.hpp"

namespace troupe {

caf::timespan wake_stalls::mean() const {
  if (!modelled())
    return caf::timespan{0};
  return caf::timespan{static_cast<int64_t>(
    std::llround(share * mean_duration_ns(durations, tail_index)))};
}

caf::timespan draw_wake_stall(const wake_stalls& x, caf::timespan wait,
                              std::mt19937_64& random) {
  if (!x.modelled() || wait < wake_stall_after)
    return caf::timespan{0};
  std::uniform_real_distribution<double> unit{0, 1};
  if (unit(random) >= x.share)
    return caf::timespan{0};
  return duration_at(x.durations, unit(random), x.tail_index);
}

wake_stalls busier(const wake_stalls& x, const wake_stalls& y) {
  return y.mean() > x.mean() ? y : x;
}

std::string to_string(const wake_stalls& x) {
  if (!x.modelled())
    return "none";
  const auto& d = x.durations;
  return fmt::format("{:.1f} in 1,000 wake-ups after {:.0f} us or more, "
                     "{:.2f} to {:.2f} ms (median {:.2f} ms)",
                     1000 * x.share, 1000 * to_ms(wake_stall_after),
                     to_ms(d.front()), to_ms(d.back()),
                     to_ms(d[d.size() / 2]));
}

} // namespace troupe
