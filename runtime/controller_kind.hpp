#pragma once

// Controllers as a registry: a stage's `controller = "NAME"` hands its
// frontend's dispatch decisions (batch size, worker, routes) to an actor of
// the registered kind NAME, spawned once per stage (messages/dispatch.hpp
// has the protocol). Rafiki's and Armol's learned policies register here; a
// test registers a fake one.

#include <functional>
#include <string>

#include <caf/actor_system.hpp>

#include "messages/interfaces.hpp"

namespace troupe {

struct stage_spec;

struct controller_kind {
  std::string name;
  /// Spawns the controller of one stage.
  std::function<controller_actor(caf::actor_system&, const stage_spec&)>
    spawn;
};

/// Adds a kind; throws std::invalid_argument if the name is taken or it
/// cannot spawn.
void register_controller_kind(controller_kind kind);

/// The kind called `name`, or null.
const controller_kind* find_controller_kind(const std::string& name);

/// The registered names, comma-separated ("none registered" when empty).
std::string controller_kind_names();

} // namespace troupe
