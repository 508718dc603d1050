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

/// Everything a replica is spawned with: a value, so that it can be sent to
/// another node as it is.
struct replica_options {
  stage_id stage = 0;
  /// Index among the stage's replicas (reported back in replica_idle).
  uint16_t index = 0;
  /// Service-time model; empty for a no-op stage.
  profile service;
  /// Where a finished batch goes: the consumers' inputs, or the sink.
  std::vector<stage_input_actor> successors;
  /// Where failures go.
  sink_actor sink;
};

inline bool operator==(const replica_options& x, const replica_options& y) {
  return x.stage == y.stage && x.index == y.index && x.service == y.service
         && x.successors == y.successors && x.sink == y.sink;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_options& x) {
  return f(caf::meta::type_name("replica_options"), x.stage, x.index,
           x.service, x.successors, x.sink);
}

struct replica_state : run_member {
  static inline const char* name = "replica";

  replica_options options;
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
                                     replica_options options);

} // namespace troupe
