#pragma once

// A scenario: the pipeline, its models' profiles and the workload, as read
// from a TOML file and validated (docs/scenario.md describes every key).

#include <any>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "models/arrival.hpp"
#include "models/profile.hpp"
#include "models/service_time_model.hpp"
#include "policies/batching/batching_policy.hpp"
#include "policies/dropping/drop_policy.hpp"
#include "policies/scaling/scaling_spec.hpp"
#include "policies/routing/replica_router.hpp"

namespace troupe {

struct workload_spec {
  /// deltas | gamma | poisson | sine | trace
  std::string kind;
  /// Gap or rate file (deltas, trace), resolved against the scenario's folder.
  std::string file;
  double rate_qps = 0;
  double cv = 1;
  /// Requests to generate (gamma, poisson); 0 = all of a file.
  uint64_t count = 0;
  double period_s = 0;
  double duration_s = 0;
  double interval_s = 1;
  /// wave: seed 004's synthetic curve.
  wave_spec wave;
};


/// What the requests carry: images of Fashion-MNIST's test split, by index,
/// with their labels (the [inputs] table).
struct inputs_spec {
  /// The data set's folder.
  std::string dir = "/usr/share/datasets/fashion-mnist";
  /// "sequential" (request k gets image k) or "shuffled" (a permutation
  /// drawn from the scenario's seed).
  std::string order = "sequential";
  /// Use only the first this many images; 0 = all 10,000.
  uint64_t images = 0;
};

struct model_spec {
  std::string name;
  std::vector<std::shared_ptr<const profile>> profiles;

  /// The profile on `hardware`, or null.
  std::shared_ptr<const profile> on(const std::string& hardware) const;
};

/// Virtual time: a node's network hop when its [[nodes]] table sets none:
/// the median one-way hop that `troupe-bench cluster` measured on
/// loopback (docs/bench.md).
constexpr caf::timespan default_node_hop = std::chrono::microseconds(50);

/// A node process that hosts replicas (`troupe node`), as a [[nodes]] table
/// names it (docs/cluster.md).
struct node_spec {
  std::string name;
  /// Where the node listens: a host name or IP address, and a TCP port.
  std::string host;
  uint16_t port = 0;
  /// Virtual time: one network hop between the coordinator and this node
  /// (the `hop_ms` key).
  caf::timespan hop = default_node_hop;

  /// "host:port".
  std::string address() const;
};

struct stage_spec {
  std::string name;
  /// A registered stage kind (runtime/stage_kind.hpp): model, noop, join...
  std::string kind = "model";
  std::string model;
  std::string hardware;
  uint32_t replicas = 1;
  uint32_t max_batch = 1;
  size_t queue_capacity = 100000;
  drop_kind dropping = drop_kind::none;
  routing_kind routing = routing_kind::first_idle;
  batching_kind batching = batching_kind::greedy;
  /// batching = "delay": the `max_queue_delay_ms` key.
  caf::timespan max_queue_delay{0};
  /// A registered controller kind that decides the frontend's dispatches
  /// (runtime/controller_kind.hpp); empty = the policies above decide.
  std::string controller;
  /// Virtual time: how long the controller's decision takes (its own
  /// latency in simulation).
  double decision_ms = 0;
  /// The controller kind's settings, as its load function stored them (its
  /// write and spawn functions read them back); empty without settings.
  std::any controller_settings;
  std::vector<std::string> inputs;
  /// inputs resolved to stage indices (source_stage for "source").
  std::vector<stage_id> input_ids;
  /// A stage kind's own settings, as its load function stored them (its
  /// write and spawn functions read them back).
  std::map<std::string, std::string> settings;
  /// The model's profile on this hardware; null for stages without one
  /// (join, noop). Stages with a profile are the ones a planner provisions
  /// and a scaler sizes.
  std::shared_ptr<const profile> service;
  /// The [[nodes]] that host its replicas, by name: replica r runs on
  /// nodes[r mod size]. Empty: in the coordinator's own process.
  std::vector<std::string> nodes;
  /// Its frontend sends a busy replica its next full batch while the
  /// current one runs (the `send_ahead` key; where may_send_ahead()).
  bool send_ahead = true;

  /// replicas x the hardware's cost per replica.
  double cost() const;

  /// Whether batches can be sent ahead here: replicas in this process, no
  /// controller, and policies whose decisions do not depend on when a
  /// batch starts (frontend.hpp).
  bool may_send_ahead() const;
};

struct scenario {
  /// The file it was read from (for messages).
  std::string file;
  std::string name;
  double slo_ms = 0;
  uint64_t seed = 0;
  workload_spec workload;
  scaling_spec scaling;
  std::vector<model_spec> models;
  /// The model repository that `torch` stages load from (the `repository`
  /// key, relative to the scenario's folder; default: zoo in the working
  /// directory).
  std::string repository = "zoo";
  /// How a profiled batch's service time is drawn (`service_time`; mean:
  /// seed 002's b / throughput(b) for every batch).
  service_time_kind service_time = service_time_kind::mean;
  /// Set when the scenario has an [inputs] table.
  std::optional<inputs_spec> inputs;
  /// In file order; indices are stage_ids.
  std::vector<stage_spec> stages;
  /// The node processes that host replicas ([[nodes]]); empty: one process.
  std::vector<node_spec> nodes;
  /// Stage indices such that every stage comes after all of its inputs.
  std::vector<stage_id> topological_order;

  /// Stages that list `id` as an input.
  std::vector<stage_id> consumers(stage_id id) const;

  /// Stages that nothing consumes: their results go to the sink.
  std::vector<stage_id> leaves() const;

  /// Stages fed by the client (an input named "source").
  std::vector<stage_id> roots() const;

  /// The index in `nodes` of the node that hosts replica `replica` of stage
  /// `id`, or nothing when it runs in the coordinator's process.
  std::optional<size_t> node_of(stage_id id, uint16_t replica) const;

  /// Sum of the stages' costs.
  double cost() const;

  /// Each stage's share of the SLO in ms: the SLO split along the longest
  /// path through the stage in proportion to batch-1 service times (joins
  /// and no-op stages get 0).
  std::vector<double> stage_slo_ms() const;
};

/// The payloads of an [inputs] table: test-set indexes with their labels,
/// in its order (shuffled: a permutation drawn from `seed`). Throws
/// input_error when the data set cannot be read.
std::vector<payload> data_set_inputs(const inputs_spec& spec, uint64_t seed);

/// Reads and validates a scenario file. Throws input_error naming the file,
/// the line and the key of the first problem found.
scenario load_scenario(const std::string& path);

/// Writes the scenario as a file that load_scenario reads back to an equal
/// scenario; file names (gap files, rate traces) are written relative to
/// the new file's folder. `comment` goes on top, one "# " line per line.
void write_scenario(const scenario& sc, const std::string& path,
                    const std::string& comment = "");

/// `text` as TOML comment lines ("# " and the line; "#" for an empty one).
void write_comment(std::ostream& out, const std::string& text);

/// `models` as [[models]] tables, as a scenario or a model file holds them.
void write_models(std::ostream& out, const std::vector<model_spec>& models);

/// A profile's keys for the stalls `x` (`name`_per_s, `name`_ms and the
/// bursts' keys: "stall" for a replica's core, "scheduler_stall" for the
/// scheduler's), two spaces in, as write_models writes them; nothing when
/// not modelled.
void write_stall_keys(std::ostream& out, const std::string& name,
                      const stall_time& x);

/// The workload's arrival times with `seed` (for generated workloads);
/// `count` caps the number of requests. Throws input_error for bad files.
arrival_times make_arrivals(const scenario& sc, uint64_t seed,
                            std::optional<uint64_t> count = std::nullopt);

} // namespace troupe
