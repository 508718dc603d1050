#pragma once

// A join stage: no model and no cost. It forwards a request once every input
// stage delivered it, with the inputs' traces merged and a visit of its own
// (enqueue = first input seen, dequeue = finish = forwarded).

#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/join_buffer.hpp"
#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"

namespace troupe {

struct join_options {
  stage_id stage = 0;
  size_t inputs = 2;
  /// How the inputs' outputs become the request's result.
  combine_kind combining = combine_kind::mean;
  /// Where joined requests go: the consumers' inputs, or the sink.
  std::vector<stage_input_actor> successors;
};

inline bool operator==(const join_options& x, const join_options& y) {
  return x.stage == y.stage && x.inputs == y.inputs
         && x.combining == y.combining && x.successors == y.successors;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_options& x) {
  return f(caf::meta::type_name("join_options"), x.stage, x.inputs,
           x.combining, x.successors);
}

struct join_state : run_member {
  static inline const char* name = "join";

  join_options options;
  join_buffer gather;

  /// The requests of `in` that are now complete, as batches from this stage:
  /// those some input served, and those every input skipped.
  std::pair<batch, batch> accept(batch&& in, caf::timespan now);
};

using join_pointer = join_actor::stateful_pointer<join_state>;

join_actor::behavior_type join(join_pointer self, join_options options);

} // namespace troupe
