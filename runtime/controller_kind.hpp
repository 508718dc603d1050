#pragma once

// Controllers as a registry: a stage's `controller = "NAME"` hands its
// frontend's dispatch decisions (batch size, worker, routes) to an actor of
// the registered kind NAME, spawned once per stage (messages/dispatch.hpp
// has the protocol). Rafiki's learned policy registers here; a test
// registers a fake one.
//
// A kind may have settings: the stage's subtable named after the kind
// (`[stages.rafiki]` for `controller = "rafiki"`), read by its load
// function into stage_spec::controller_settings.

#include <functional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "messages/interfaces.hpp"
#include "runtime/clock_kind.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

struct scenario;
struct stage_spec;

/// What a kind's spawn function gets.
struct controller_spawn_context {
  caf::actor_system& sys;
  const scenario& sc;
  const stage_spec& spec;
  stage_id id = 0;
  clock_kind clock = clock_kind::virtual_time;
  /// The run's seed.
  uint64_t seed = 0;
};

struct controller_kind {
  std::string name;
  /// Spawns the controller of one stage.
  std::function<controller_actor(const controller_spawn_context&)> spawn;
  /// The settings subtable's keys.
  std::vector<std::string> keys;
  /// Reads the settings subtable (empty when the stage has none) into
  /// spec.controller_settings (may be empty: the kind has no settings, and
  /// a subtable is refused).
  std::function<void(const stage_reader&, stage_spec&)> load;
  /// Why the settings do not fit the scenario (the stages they name),
  /// empty when they do; the loader asks once every stage is read (may be
  /// empty).
  std::function<std::string(const scenario&, stage_id)> problem;
  /// The settings as TOML keys, for write_scenario (may be empty).
  std::function<stage_keys(const stage_spec&)> write;
};

/// Adds a kind; throws std::invalid_argument if the name is taken or it
/// cannot spawn.
void register_controller_kind(controller_kind kind);

/// The kind called `name`, or null.
const controller_kind* find_controller_kind(const std::string& name);

/// The registered names, comma-separated ("none registered" when empty).
std::string controller_kind_names();

/// The built-in kinds (one file each).

/// Rafiki's choice of model subset and batch size (seed 000;
/// runtime/kinds/rafiki_controller_kind.cpp).
controller_kind rafiki_controller_kind();

} // namespace troupe
