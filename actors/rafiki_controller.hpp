#pragma once

// Rafiki's controller (seed 000): decides a frontend's dispatches, which
// models serve the next batch and at which batch size, with the step rules
// of policies/rafiki/step_controller.hpp and an agent (a learned policy or
// a baseline). Its frontend sends each batch, padded to the chosen size,
// along the routes of the chosen models' stages (stage kind `model` with
// batching = "upstream"); a join waits for the models each request went to.
//
// When the agent runs out of actions (a replay), every request still queued
// or yet to come is sent along no route: the frontend drops it (no_route),
// so that the run still ends.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/run_member.hpp"
#include "messages/interfaces.hpp"
#include "policies/rafiki/step_controller.hpp"

namespace troupe {

struct rafiki_controller_options {
  rafiki::tables models;
  rafiki::environment_options environment;
  /// The route bit of each model's stage among the frontend's successors.
  std::vector<uint64_t> model_routes;
  std::shared_ptr<rafiki::agent> agent;
  /// Called with every step served (may be empty).
  std::function<void(const rafiki::step_record&)> on_step;
};

struct rafiki_controller_state : run_member {
  static inline const char* name = "rafiki-controller";

  std::shared_ptr<rafiki::agent> agent;
  std::unique_ptr<rafiki::step_controller> steps;
  std::vector<uint64_t> model_routes;
  /// The question's arrival times in ns (kept to reuse its memory).
  std::vector<int64_t> arrivals;

  /// The answer to one question.
  dispatch_decision decide(const dispatch_query& q);
};

using rafiki_controller_pointer
  = controller_actor::stateful_pointer<rafiki_controller_state>;

controller_actor::behavior_type
rafiki_controller(rafiki_controller_pointer self,
                  rafiki_controller_options options);

} // namespace troupe
