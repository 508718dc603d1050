#pragma once

// The scheduler's core in virtual time. In real time the client, the
// frontends and the sink run on CAF's scheduler threads, and a replica's
// results wake one of them: on a 2-core virtual machine that hand-off took
// 15 to 25 us when the core had handled a message in the 20 us before, and
// 50 to 80 us once it slept (runtime/wake_curve.hpp). How long it had
// waited is the whole run's business (any arrival, dispatch or result keeps
// it awake), which no single actor sees: so a run has one scheduler_core
// that the actors on the scheduler tell when they handle a message
// (busy_at) and that a replica asks what waking it costs when its batch is
// done (woken_at). Virtual time is one thread, and the direct chain
// (runtime/direct_chain.hpp) calls both in the order the actor graph does,
// so a run stays deterministic.

#include <cstdint>
#include <optional>
#include <random>

#include <caf/timespan.hpp>

#include "models/poll_window.hpp"
#include "models/profile.hpp"

namespace troupe {

class scheduler_core {
public:
  /// A core whose wake-ups cost `wake` (precondition: modelled); its wake
  /// stalls are drawn from a generator seeded with `seed`.
  scheduler_core(wake_time wake, uint64_t seed);

  /// An actor on the scheduler handled a message at `t`: where the core
  /// had waited, the message woke it, and its poll adapts to that wait (as
  /// the host's does at every wake-up; the fit replays the same:
  /// runtime/wake_curve.hpp).
  void busy_at(caf::timespan t);

  /// The hand-off of results done at `t` (a replica's message to the
  /// scheduler), by how long the core had waited since it was last busy:
  /// the poll's where it still polled, else the wake curve's (at wait 0
  /// where it was busy, or being woken by results before), and the stall a
  /// wake-up after that wait may meet (models/wake_stalls.hpp). The core
  /// is busy from when they arrive.
  caf::timespan woken_at(caf::timespan t);

  /// Results woken for at `woken_at` arrive only at `t` (a stall held
  /// them): the core counts as busy until then, without a wait.
  void awake_until(caf::timespan t);

private:
  wake_time wake_;
  poll_window poll_;
  std::mt19937_64 random_;
  std::optional<caf::timespan> last_busy_;
};

} // namespace troupe
