#pragma once

// Stage kinds as a registry. A kind says which keys of a [[stages]] table are
// its own, how to read and write them, and how to spawn its actors; the
// loader, the scenario writer, the reports and graph assembly ask the
// registry instead of switching over a closed list.
//
// Adding a kind is one file that defines a function returning its
// stage_kind, and one line in builtin_stage_kinds() (runtime/stage_kind.cpp);
// a test or a program may also register one at run time
// (register_stage_kind).
//
// Two shapes of stage:
//  - replicated (model, noop, torch): a frontend (queue, batching, routing,
//    dropping, worker pool) in front of replicas the kind describes as
//    values (spawned here, or on a node in cluster mode); the frontend's
//    keys (replicas, max_batch, queue_capacity, drop, routing, batching,
//    nodes) are read for it;
//  - single (join): one actor the kind spawns, fed by its inputs.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/client.hpp"
#include "actors/replica.hpp"
#include "messages/interfaces.hpp"
#include "runtime/clock_kind.hpp"

namespace troupe {

struct scenario;
struct stage_spec;

/// A stage table as a kind reads it. The loader implements it over TOML:
/// every error names the file, the line and the key.
class stage_reader {
public:
  virtual ~stage_reader() = default;

  virtual bool has(const std::string& key) const = 0;
  virtual std::string text(const std::string& key) const = 0;
  virtual double number(const std::string& key) const = 0;
  /// An array of strings.
  virtual std::vector<std::string> texts(const std::string& key) const = 0;
  /// An array of numbers.
  virtual std::vector<double> numbers(const std::string& key) const = 0;
  virtual int64_t integer(const std::string& key, int64_t low,
                          int64_t high) const = 0;
  [[noreturn]] virtual void fail(const std::string& key,
                                 const std::string& what) const = 0;
  /// The scenario read so far (its models, for a kind that names one).
  virtual const scenario& context() const = 0;
};

/// What a kind's spawn function gets.
struct stage_spawn_context {
  caf::actor_system& sys;
  const scenario& sc;
  clock_kind clock;
  /// LibTorch intra-op threads for each replica that runs models.
  int torch_threads;
  /// Real time: the cores the torch replicas' threads keep to (empty: any).
  std::vector<int> replica_cores;
  /// The run's seed.
  uint64_t seed;
  const stage_spec& spec;
  stage_id id = 0;
  /// Where finished batches go: the consumers' inputs, or the sink.
  std::vector<stage_input_actor> successors;
  sink_actor sink;
  /// Virtual time: the run's scheduler core, if modelled (the replicas'
  /// results wake it).
  std::shared_ptr<scheduler_core> scheduler = nullptr;
};

/// What a replica is spawned with, wherever it runs.
struct replica_launch {
  replica_options options;
  /// Its work blocks a thread (a forward pass): spawned detached.
  bool detached = false;
};

/// Key -> TOML value text, in the order to write them.
using stage_keys = std::vector<std::pair<std::string, std::string>>;

struct stage_kind {
  /// The value of the stage's `kind` key ("model" is the default).
  std::string name;
  /// Keys of its own, besides name, kind and inputs (and the frontend's).
  std::vector<std::string> keys;
  /// Served by a frontend with replicas (else: spawn_stage).
  bool replicated = true;
  /// Its replicas run models of the scenario's repository with LibTorch:
  /// the thread plan gives them LibTorch threads, and the scenario writer
  /// keeps the repository.
  bool runs_repository_models = false;
  /// Reads its own keys into the spec (may be empty).
  std::function<void(const stage_reader&, stage_spec&)> load;
  /// Checks the spec once the frontend's keys are read too (may be empty).
  std::function<void(const stage_reader&, const stage_spec&)> validate;
  /// Why a stage of this spec cannot run in `clock`; empty when it can (the
  /// runner asks before spawning anything; may be empty).
  std::function<std::string(const stage_spec&, clock_kind)> refuses;
  /// Its own keys as TOML, for write_scenario (may be empty).
  std::function<stage_keys(const stage_spec&)> write;
  /// The stage's profile on each hardware it can run on, for planners (may
  /// be empty: the [[models]] profiles of the stage's `model`).
  std::function<std::vector<std::shared_ptr<const profile>>(
    const scenario&, const stage_spec&)>
    hardware_options;
  /// replicated: replica `index` of the stage as a value, so that it can
  /// be spawned in this process or on a node (cluster mode).
  std::function<replica_launch(const stage_spawn_context&, uint16_t index)>
    replica;
  /// replicated, in place of `replica`: spawns a replica actor of the
  /// kind's own (such a stage cannot be placed on nodes).
  std::function<replica_actor(const stage_spawn_context&, uint16_t index)>
    spawn_replica;
  /// not replicated: spawns the stage's one actor.
  std::function<stage_input_actor(const stage_spawn_context&)> spawn_stage;
};

/// Adds a kind; throws std::invalid_argument if the name is taken or the
/// kind has no spawn function of its shape.
void register_stage_kind(stage_kind kind);

/// The kind called `name`, or null.
const stage_kind* find_stage_kind(const std::string& name);

/// `s`'s profile on each hardware it can run on: its kind's
/// hardware_options, or the profiles of its model.
std::vector<std::shared_ptr<const profile>>
hardware_options(const scenario& sc, const stage_spec& s);

/// The kind of a loaded stage (its kind is registered: the loader checked).
const stage_kind& kind_of(const stage_spec& spec);

/// The registered names, comma-separated, for error messages.
std::string stage_kind_names();

/// A replica as its stage's spec configures it: stage, index, profile (if
/// any) and its own seed for the scenario's service-time model, before the
/// actors it sends to are added.
replica_options replica_spec_options(const scenario& sc, stage_id id,
                                     uint16_t index, uint64_t seed);

/// The client's hop to the root stages in virtual time
/// (actors/client.hpp): the roots' profiles' client hop (the longest, where
/// several measured one), drawn by the scenario's service-time model with
/// the client's own seed.
client_hop_spec client_hop_for(const scenario& sc, uint64_t seed);

/// A virtual run's scheduler core (models/scheduler_core.hpp), with the
/// stages' profiles' scheduler wake-ups (the longest hand-off at each wait
/// where several measured them, and the busiest wake stalls); none where
/// none did. `seed` is the run's.
std::shared_ptr<scheduler_core> run_scheduler_core(const scenario& sc,
                                                   uint64_t seed);

/// What every replica of the stage is spawned with, whatever its kind:
/// stage, index, profile (if any), successors, sink, and its own seed for
/// the scenario's service-time model.
replica_options replica_base_options(const stage_spawn_context& ctx,
                                     uint16_t index);

/// A TOML basic string holding `text` (for a kind's write function).
std::string toml_quoted(const std::string& text);

/// "'a', 'b'": the name of each of `items` (as `name_of` reads it), for an
/// error that lists what is known.
template <class Items, class NameOf>
std::string quoted_names(const Items& items, NameOf name_of) {
  std::string text;
  for (const auto& x : items)
    text += (text.empty() ? "'" : ", '") + name_of(x) + "'";
  return text;
}

// -- the built-in kinds (one file each) ---------------------------------------

/// Replicas serve batches with the service time of a model's profile
/// (runtime/kinds/model_kind.cpp).
stage_kind model_stage_kind();

/// Replicas forward at once: measures the runtime (kinds/noop_kind.cpp).
stage_kind noop_stage_kind();

/// Waits for every input, costs nothing (kinds/join_kind.cpp).
stage_kind join_stage_kind();

/// Replicas run repository models, TorchScript, on each batch
/// (kinds/torch_kind.cpp).
stage_kind torch_stage_kind();

} // namespace troupe
