#include "models/recent_sleep.hpp"

#include <algorithm>

namespace troupe {

namespace {

/// 0 at or below `from`, 1 at or above `full`, in proportion between.
double ramp(double value, double from, double full) {
  return std::clamp((value - from) / (full - from), 0.0, 1.0);
}

} // namespace

double stalls_met_share(const sleep_reading& recent) {
  return std::max(ramp(static_cast<double>(recent.sleeps),
                       static_cast<double>(stalls_met_from_sleeps),
                       static_cast<double>(full_stalls_sleeps)),
                  ramp(recent.share, stalls_met_from_sleep_share,
                       full_stalls_sleep_share));
}

void recent_sleep::slept(caf::timespan from, caf::timespan to) {
  if (to > from)
    sleeps_.push_back({from, to});
}

sleep_reading recent_sleep::read(caf::timespan now) {
  auto begin = now - recent_sleep_window;
  while (!sleeps_.empty() && sleeps_.front().to <= begin)
    sleeps_.pop_front();
  sleep_reading result;
  caf::timespan asleep{0};
  for (const auto& s : sleeps_) {
    auto overlap = std::min(s.to, now) - std::max(s.from, begin);
    if (overlap > caf::timespan{0}) {
      asleep += overlap;
      ++result.sleeps;
    }
  }
  result.share = static_cast<double>(asleep.count())
                 / static_cast<double>(recent_sleep_window.count());
  return result;
}

} // namespace troupe
