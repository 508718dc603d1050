#pragma once

// How long a waiting replica's core polls before it sleeps. On a virtual
// machine, a core with nothing to run halts, and the hypervisor polls for
// it a while before it gives its physical core away: a batch that comes
// meanwhile reaches the replica's thread in 15 to 20 us, one that comes
// later in 50 to 80 us (a 2-core virtual machine, the small CNN). How long
// it polls adapts to the waits before, as KVM's halt polling does: a wait
// longer than the window but at most the longest grows it (from 10 us,
// doubling, up to the longest), a wait beyond the longest halves it. So
// the same wait is cheap in a run of short waits (batches served back to
// back) and dear in a run of long ones (a light load): at waits of 20 to
// 50 us, 17 to 20 us in a batching run and 49 to 56 us at batch size 1
// and a light load. This rule told the two apart for 82 to 97% of the
// batches in seven runs of four kinds, where any fixed wait told them
// apart for 36 to 97% (docs/models.md).

#include <caf/timespan.hpp>

namespace troupe {

class poll_window {
public:
  /// The window a core that did not poll opens to after a wait of at most
  /// the longest.
  static constexpr caf::timespan first = std::chrono::microseconds{10};

  /// A core that polls for at most `longest` (0: never polls).
  explicit poll_window(caf::timespan longest = caf::timespan{0})
    : longest_(longest) {
  }

  /// Whether a batch that comes after the core waited `wait` finds it still
  /// polling; then adapts the window to that wait.
  bool polled(caf::timespan wait);

  /// Whether it would, without adapting.
  bool polls_through(caf::timespan wait) const {
    return wait <= window_ && window_.count() > 0;
  }

  caf::timespan window() const {
    return window_;
  }

private:
  caf::timespan longest_;
  caf::timespan window_{0};
};

} // namespace troupe
