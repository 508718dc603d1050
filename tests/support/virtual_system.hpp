#pragma once

// An actor system on CAF's deterministic test coordinator, for driving single
// actors with fake neighbours in virtual time.

#include <memory>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "runtime/system_config.hpp"

namespace troupe::test {

struct virtual_system {
  system_config cfg{clock_kind::virtual_time};
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::actor_clock::time_point epoch = sched.clock().now();

  /// Virtual time since the epoch.
  caf::timespan now() const {
    return sched.clock().now() - epoch;
  }

  /// Runs all messages due now, without advancing time.
  void run_now() {
    while (sched.try_run_once()) {
      // keep going
    }
  }

  /// Runs until nothing is left, jumping over delays.
  void run_all() {
    for (;;) {
      run_now();
      if (!sched.trigger_timeout())
        return;
    }
  }
};

/// What a fake stage input received, with the virtual time of arrival.
struct received_batch {
  caf::timespan at;
  batch content;
};

using batch_log = std::shared_ptr<std::vector<received_batch>>;

/// A fake successor that records every batch it gets.
inline stage_input_actor::behavior_type
recorder(stage_input_actor::pointer self, batch_log log,
         caf::actor_clock::time_point epoch) {
  return {
    [=](batch& x) {
      log->push_back({self->clock().now() - epoch, std::move(x)});
    },
  };
}

} // namespace troupe::test
