#pragma once

// A model replica whose service time comes from a profile: it holds one
// batch at a time for s(b) (a delayed message to itself, so the same code
// waits in virtual or in real time), then sends the batch to every successor
// and tells its frontend it is idle. A request's route (stage_visit::route,
// set by the frontend) may name only some successors: the others get it as
// skipped.
//
//   idle --serve--> busy --finished--> idle
//
// A replica without a profile is a no-op stage: it forwards at once.

#include <memory>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/expected.hpp>

#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "models/profile.hpp"

namespace troupe {

struct replica_options {
  stage_id stage = 0;
  /// Index among the stage's replicas (reported back in replica_idle).
  uint16_t index = 0;
  /// Service-time model; null for a no-op stage.
  std::shared_ptr<const profile> service;
};

struct replica_state : run_member {
  static inline const char* name = "replica";

  replica_options options;
  std::vector<stage_input_actor> successors;
  sink_actor sink;
  /// Sender of the batch in service: told when the replica is idle again.
  frontend_actor frontend;

  /// Checks the batch and returns its service time, or why it cannot be
  /// served (errc::batch_too_large).
  caf::expected<caf::timespan> service_time(const batch& work) const;

  /// Stamps this stage's finish time on every request and marks the batch as
  /// coming from this stage.
  void finish(batch& work, caf::timespan now) const;

  /// Sends a finished batch on: each successor gets the requests whose route
  /// names it, and the others as skipped (see batch::skipped).
  template <class Self>
  void forward(Self* self, batch&& work) const;
};

using replica_pointer = replica_actor::stateful_pointer<replica_state>;

replica_actor::behavior_type replica(replica_pointer self,
                                     replica_options options,
                                     std::vector<stage_input_actor> successors,
                                     sink_actor sink);

} // namespace troupe
