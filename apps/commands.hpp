#pragma once

// The subcommands of the troupe executable.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace troupe {

struct run_command_options {
  std::string scenario_file;
  /// "virtual" or "real".
  std::string clock = "virtual";
  /// Folder for summary.json and requests.csv; empty = print only.
  std::string out_dir;
  std::optional<uint64_t> seed;
  std::optional<uint64_t> count;
  /// Overrides the scenario's [scaling] policy.
  std::optional<std::string> scaling;
  /// Real time: CPU threads for CAF's scheduler and LibTorch together
  /// (0 = one per core).
  size_t threads = 0;
  /// Progress lines on stderr while running.
  bool progress = true;
  /// Cluster mode: mutual TLS with these PEM files (all three or none).
  std::string certificate;
  std::string key;
  std::string ca_file;
  /// Cluster mode: a node's connection silent this long ends (ms).
  double connection_timeout_ms = 500;
};

/// `troupe run`: returns the process exit code.
int run_command(const run_command_options& options);

struct node_command_options {
  /// host:port to listen on.
  std::string listen;
  /// The name the scenario's [[nodes]] table gives this node.
  std::string name;
  /// Mutual TLS with these PEM files (all three or none).
  std::string certificate;
  std::string key;
  std::string ca_file;
  /// Listen on an address other machines reach, without TLS.
  bool insecure = false;
  /// A coordinator's connection silent this long ends (ms).
  double connection_timeout_ms = 500;
  /// Cores the node uses, its first ones (0 = all): the first for its
  /// actors, the others for torch replicas.
  size_t threads = 0;
};

/// `troupe node`: serves until SIGINT or SIGTERM; 0, 2 for bad input, 1
/// when it cannot listen.
int node_command(const node_command_options& options);

struct plan_command_options {
  std::string scenario_file;
  /// Overrides the scenario's slo_ms.
  std::optional<double> slo_ms;
  /// optimal, inferline, greedy or throughput.
  std::string method = "optimal";
  /// Wall-time limit of the optimal method's search (0: none).
  double time_limit_s = 0;
  /// Cost budget of the throughput method.
  std::optional<double> budget;
  /// Folder for plan.toml and summary.json.
  std::string out_dir = "out/plan";
  std::optional<uint64_t> seed;
  /// Caps the sample workload the plans are simulated on.
  std::optional<uint64_t> count;
  uint32_t max_replicas = 32;
  bool progress = true;
};

/// `troupe plan`: 0 with a plan, 3 when no plan meets the constraints, 2 for
/// bad input, 1 for other errors.
int plan_command(const plan_command_options& options);

struct zoo_command_options {
  std::string repository = "zoo";
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  /// Zoo models to train; empty = all.
  std::vector<std::string> models;
  uint64_t seed = 1;
  /// Passes over the data; 0 = each model's own.
  uint32_t epochs = 0;
  /// Use the first this many images; 0 = all.
  size_t train_images = 0;
  size_t test_images = 0;
  /// Retrain models that exist.
  bool force = false;
  /// accuracy: the CSV file (default REPOSITORY/accuracy.csv).
  std::string out_file;
  bool progress = true;
};

/// `troupe zoo train`: 0, 2 for bad input, 1 for other errors.
int zoo_train_command(const zoo_command_options& options);

/// `troupe zoo accuracy`: 0, 2 for bad input, 1 for other errors.
int zoo_accuracy_command(const zoo_command_options& options);

struct profile_command_options {
  std::string model;
  std::string repository = "zoo";
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  /// Empty: 1, 2, 4, ... up to the model's max_batch.
  std::vector<uint32_t> batch_sizes;
  /// LibTorch threads per forward (as a serving replica uses them).
  int threads = 1;
  std::string hardware = "cpu";
  double cost = 1;
  /// The pause before each pass of the idle rows.
  double idle_ms = 1;
  /// Sizes halfway between two measured ones are added where their
  /// throughput is more than this many percent off the line between them
  /// (0: only the given sizes).
  double refine_within_percent = 5;
  /// How long the serving run that measures the hand-offs and the
  /// machine's stalls lasts.
  double serving_seconds = 2;
  /// The model file to write (default: print only).
  std::string out_file;
  bool progress = true;
};

/// `troupe profile`: 0, 2 for bad input, 1 for other errors.
int profile_command(const profile_command_options& options);

struct rafiki_command_options {
  std::string scenario_file = "scenarios/rafiki-seed.toml";
  /// replay: one arrival time (s) per line; one action index per line.
  std::string arrivals_file;
  std::string actions_file;
  /// Overrides of the scenario's Rafiki settings.
  std::optional<std::string> mode;
  std::optional<double> beta;
  std::optional<double> max_latency_s;
  std::optional<double> tau_times;
  std::string out_dir;
  /// train: the learner's settings (policies/rafiki/learner.hpp).
  /// reinforce (the seed's later version) learns the seed's environment
  /// to ~0 overdue; a2c (the 2018 version) peaks near 5% and can collapse.
  std::string algorithm = "reinforce";
  uint64_t num_frames = 300000;
  /// Unset: the seed's for the algorithm (a2c 5 and 7e-4, reinforce 32
  /// and 7e-5).
  std::optional<size_t> num_steps;
  std::optional<double> lr;
  uint64_t seed = 1;
  /// train: "direct" or "graph" (runtime/rafiki_runs.hpp: training_env).
  std::string env = "direct";
  /// train: frames between validations (0: none; policy.txt is the last).
  uint64_t validate_every = 100000;
  /// eval: a policy that train wrote (empty: the baselines only); serve:
  /// the policy to deploy.
  std::string policy_file;
  /// serve: a baseline to serve instead of a policy file.
  std::string agent;
  /// eval, serve: caps the requests of each run.
  std::optional<uint64_t> count;
  bool progress = true;
};

/// `troupe rafiki replay`: 0, 2 for bad input, 1 for other errors.
int rafiki_replay_command(const rafiki_command_options& options);

/// `troupe rafiki train`: 0, 2 for bad input, 1 for other errors.
int rafiki_train_command(const rafiki_command_options& options);

/// `troupe rafiki eval`: 0, 2 for bad input, 1 for other errors.
int rafiki_eval_command(const rafiki_command_options& options);

/// `troupe rafiki serve`: 0, 2 for bad input, 1 for other errors.
int rafiki_serve_command(const rafiki_command_options& options);

} // namespace troupe
