#include "models/poll_window.hpp"

#include <algorithm>

namespace troupe {

bool poll_window::polled(caf::timespan wait) {
  if (polls_through(wait))
    return true;
  if (wait <= longest_)
    window_ = std::min(longest_, window_.count() == 0 ? first : 2 * window_);
  else
    window_ /= 2;
  return false;
}

} // namespace troupe
