#include "models/scheduler_core.hpp"

#include <algorithm>

namespace troupe {

scheduler_core::scheduler_core(wake_time wake, uint64_t seed)
  : wake_(std::move(wake)), poll_(wake_.poll.longest), random_(seed) {
}

void scheduler_core::busy_at(caf::timespan t) {
  if (last_busy_ && t <= *last_busy_)
    return;
  // The message woke the core: its poll adapts to the wait.
  if (last_busy_)
    poll_.polled(t - *last_busy_);
  last_busy_ = t;
}

caf::timespan scheduler_core::woken_at(caf::timespan t) {
  auto wait = !last_busy_ ? caf::timespan::max()
                          : std::max(caf::timespan{0}, t - *last_busy_);
  auto handoff = poll_.polled(wait) ? wake_.poll.polled : wake_.slept(wait);
  handoff += draw_wake_stall(wake_.stalls, wait, random_);
  // Awake from now on: busy when the results arrive, without a wait.
  awake_until(t + handoff);
  return handoff;
}

void scheduler_core::awake_until(caf::timespan t) {
  last_busy_ = last_busy_ ? std::max(*last_busy_, t) : t;
}

} // namespace troupe
