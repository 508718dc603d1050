#include "models/recent_sleep.hpp"

#include <algorithm>

namespace troupe {

double stalls_met_share(double slept_share) {
  return std::clamp(slept_share / full_stalls_sleep_share, 0.0, 1.0);
}

void recent_sleep::slept(caf::timespan from, caf::timespan to) {
  if (to > from)
    sleeps_.push_back({from, to});
}

double recent_sleep::share(caf::timespan now) {
  auto begin = now - recent_sleep_window;
  while (!sleeps_.empty() && sleeps_.front().to <= begin)
    sleeps_.pop_front();
  caf::timespan asleep{0};
  for (const auto& s : sleeps_)
    asleep += std::max(caf::timespan{0},
                       std::min(s.to, now) - std::max(s.from, begin));
  return static_cast<double>(asleep.count())
         / static_cast<double>(recent_sleep_window.count());
}

} // namespace troupe
