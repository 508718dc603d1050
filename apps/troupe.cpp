// The troupe executable: one binary, one subcommand per job.

#include <CLI/CLI.hpp>

#include "apps/command_line.hpp"
#include "apps/commands.hpp"
#include "policies/rafiki/agent.hpp"

int main(int argc, char** argv) {
  CLI::App app{"troupe: an actor runtime for serving ML models and learning "
               "how to serve them"};
  app.name("troupe");
  app.set_version_flag("--version", "troupe " TROUPE_VERSION);
  app.require_subcommand(1);

  troupe::run_command_options run;
  auto* run_cmd = app.add_subcommand(
    "run", "Run a scenario's pipeline in virtual or real time");
  run_cmd->add_option("scenario", run.scenario_file, "Scenario file (TOML)")
    ->required();
  run_cmd->add_option("--clock", run.clock, "virtual (default) or real")
    ->check(CLI::IsMember({"virtual", "real"}));
  run_cmd->add_option("--out", run.out_dir,
                      "Write summary.json and requests.csv into this folder");
  run_cmd->add_option("--seed", run.seed,
                      "Seed for generated workloads (default: the scenario's)")
    ->check(troupe::cli::non_negative_integer());
  run_cmd->add_option("--count", run.count,
                      "Send at most this many requests")
    ->check(troupe::cli::positive_integer());
  run_cmd->add_option("--scaling", run.scaling,
                      "Overrides the scenario's scaling policy: none, seed, "
                      "tuner or oracle");
  run_cmd->add_option("--threads", run.threads,
                      "Real time: threads for the actors and LibTorch "
                      "together; each model replica's forward uses "
                      "(threads - 1) / replicas of them, at least one "
                      "(default: one per core this process may use)")
    ->check(CLI::Range(1, 1024));
  run_cmd->add_flag("--quiet{false},-q{false}", run.progress,
                    "No progress lines");
  // Mutual TLS between nodes (docs/cluster.md): --tls needs all three files.
  auto add_tls = [](CLI::App* cmd, std::string& certificate, std::string& key,
                    std::string& ca_file) {
    auto* tls = cmd->add_flag("--tls", "Mutual TLS between the coordinator "
                                       "and the nodes (needs --cert, --key "
                                       "and --ca)");
    auto* cert = cmd->add_option("--cert", certificate,
                                 "This process's certificate (PEM)")
                   ->check(CLI::ExistingFile);
    auto* key_opt = cmd->add_option("--key", key,
                                    "The certificate's private key (PEM)")
                      ->check(CLI::ExistingFile);
    auto* ca = cmd->add_option("--ca", ca_file,
                               "The cluster's CA certificate (PEM): peers "
                               "must present a certificate it signed")
                 ->check(CLI::ExistingFile);
    tls->needs(cert)->needs(key_opt)->needs(ca);
    for (auto* file : {cert, key_opt, ca})
      file->needs(tls);
  };
  add_tls(run_cmd, run.certificate, run.key, run.ca_file);
  // Heartbeats (docs/cluster.md): one knob on both sides of a connection.
  auto add_connection_timeout = [](CLI::App* cmd, double& ms,
                                   const std::string& what_ends) {
    cmd->add_option("--connection-timeout", ms,
                    "Milliseconds of silence after which " + what_ends
                      + " (heartbeats go five times as often; default 500). "
                        "Raise it for a loaded machine or a slow network")
      ->check(troupe::cli::number_between(10, 3600000));
  };
  add_connection_timeout(run_cmd, run.connection_timeout_ms,
                         "a node's connection ends: the node "
                         "counts as lost");

  troupe::node_command_options node;
  auto* node_cmd = app.add_subcommand(
    "node", "Host replicas for a coordinator (`troupe run --clock real` of a "
            "scenario with [[nodes]]) until Ctrl-C");
  node_cmd->add_option("--listen", node.listen,
                       "host:port to listen on (e.g. 127.0.0.1:7001)")
    ->required();
  node_cmd->add_option("--name", node.name,
                       "This node's name, as the scenario's [[nodes]] "
                       "table gives it")
    ->required();
  node_cmd->add_flag("--insecure", node.insecure,
                     "Listen on an address other machines reach without "
                     "--tls");
  node_cmd->add_option("--threads", node.threads,
                       "Cores to use, the first ones this process may "
                       "(default: all): the first runs the node's actors, "
                       "the others its torch replicas")
    ->check(CLI::Range(1, 1024));
  add_tls(node_cmd, node.certificate, node.key, node.ca_file);
  add_connection_timeout(node_cmd, node.connection_timeout_ms,
                         "the coordinator's connection ends, "
                         "and the replicas it spawned here with it");

  troupe::plan_command_options plan;
  auto* plan_cmd = app.add_subcommand(
    "plan", "Choose hardware, batch sizes and replicas that meet the SLO at "
            "the least cost (InferLine's planners)");
  plan_cmd->add_option("scenario", plan.scenario_file, "Scenario file (TOML)")
    ->required();
  plan_cmd->add_option("--slo-ms", plan.slo_ms,
                       "Latency objective (default: the scenario's slo_ms)")
    ->check(troupe::cli::positive_number());
  plan_cmd->add_option("--method", plan.method,
                       "optimal (default: the proven cheapest plan), "
                       "inferline (the published planner), greedy "
                       "(inferline plus an escape phase) or throughput")
    ->check(
      CLI::IsMember({"optimal", "inferline", "greedy", "throughput"}));
  plan_cmd->add_option("--time-limit", plan.time_limit_s,
                       "Seconds the optimal method may search; cut off, it "
                       "returns its best plan with the gap to the lower "
                       "bound it proved (default: no limit; at most a year)")
    ->check(troupe::cli::positive_number(365 * 24 * 3600.0));
  plan_cmd->add_option("--budget", plan.budget,
                       "Cost budget (required by --method throughput)")
    ->check(troupe::cli::positive_number());
  plan_cmd->add_option("--out", plan.out_dir,
                       "Folder for plan.toml and summary.json (default "
                       "out/plan)");
  plan_cmd->add_option("--seed", plan.seed,
                       "Seed of the sample workload (default: the scenario's)")
    ->check(troupe::cli::non_negative_integer());
  plan_cmd->add_option("--count", plan.count,
                       "Simulate plans on at most this many requests")
    ->check(troupe::cli::positive_integer());
  plan_cmd->add_option("--max-replicas", plan.max_replicas,
                       "Replicas per stage at most (default 32)")
    ->check(CLI::Range(1, 1024));
  plan_cmd->add_flag("--quiet{false},-q{false}", plan.progress,
                     "No progress lines");

  troupe::zoo_command_options zoo;
  auto* zoo_cmd = app.add_subcommand(
    "zoo", "Train and measure the model zoo (Fashion-MNIST, LibTorch)");
  zoo_cmd->require_subcommand(1);
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--repo", zoo.repository,
                    "Model repository folder (default: zoo)");
    cmd->add_option("--data", zoo.data_dir,
                    "Fashion-MNIST folder (default: Debian's "
                    "dataset-fashion-mnist)");
    cmd->add_option("--test-images", zoo.test_images,
                    "Evaluate on the first N test images (default: all)")
      ->check(troupe::cli::positive_integer());
    cmd->add_flag("--quiet{false},-q{false}", zoo.progress,
                  "No progress lines");
  };
  auto* zoo_train = zoo_cmd->add_subcommand(
    "train", "Train the zoo's models into the repository (reuses those "
             "already there)");
  add_common(zoo_train);
  zoo_train->add_option("--models", zoo.models,
                        "Only these models (logreg, mlp, cnn-small, "
                        "cnn-wide)")
    ->delimiter(',');
  zoo_train->add_option("--seed", zoo.seed, "Training seed (default 1)")
    ->check(troupe::cli::non_negative_integer());
  zoo_train->add_option("--epochs", zoo.epochs,
                        "Passes over the data (default: each model's own)")
    ->check(troupe::cli::positive_integer());
  zoo_train->add_option("--train-images", zoo.train_images,
                        "Train on the first N images (default: all 60000)")
    ->check(troupe::cli::positive_integer());
  zoo_train->add_flag("--force", zoo.force, "Retrain models that exist");
  auto* zoo_accuracy = zoo_cmd->add_subcommand(
    "accuracy", "Accuracy of every subset of the repository's models, "
                "combined by mean and by vote");
  add_common(zoo_accuracy);
  zoo_accuracy->add_option("--out", zoo.out_file,
                           "CSV file (default: REPO/accuracy.csv)");

  troupe::profile_command_options prof;
  auto* profile_cmd = app.add_subcommand(
    "profile", "Measure a repository model's latency and throughput per "
               "batch size on this machine, right after another pass and "
               "after an idle wait, and the runtime's hand-off in a short "
               "serving run, as a scenario profile");
  profile_cmd->add_option("model", prof.model, "Model name in the repository")
    ->required();
  profile_cmd->add_option("--repo", prof.repository,
                          "Model repository folder (default: zoo)");
  profile_cmd->add_option("--data", prof.data_dir,
                          "Fashion-MNIST folder (the inputs are its test "
                          "images)");
  profile_cmd->add_option("--batch-sizes", prof.batch_sizes,
                          "Batch sizes, from 1 (default: 1, 2, 4, ... up to "
                          "the model's max_batch)")
    ->delimiter(',');
  profile_cmd->add_option("--threads", prof.threads,
                          "LibTorch threads per forward (default 1, as a "
                          "serving replica)")
    ->check(CLI::Range(1, 256));
  profile_cmd->add_option("--hardware", prof.hardware,
                          "Hardware name in the profile (default cpu)");
  profile_cmd->add_option("--cost", prof.cost,
                          "Cost per replica in the profile (default 1)")
    ->check(troupe::cli::non_negative_number());
  profile_cmd->add_option("--idle-ms", prof.idle_ms,
                          "Pause before each pass of the idle rows (default "
                          "1, at most 1000; a replica's typical wait between "
                          "batches)")
    ->check(troupe::cli::positive_number(1000));
  profile_cmd->add_option("--refine-within", prof.refine_within_percent,
                          "Add the size halfway between two measured ones "
                          "where its throughput is more than this many "
                          "percent off the line between them, and look "
                          "halfway on both sides of it in turn (default 5; "
                          "0: only the given sizes)")
    ->check(troupe::cli::number_between(0, 100));
  profile_cmd->add_option("--serving-seconds", prof.serving_seconds,
                          "Length of the serving run that measures the "
                          "hand-offs and the machine's stalls (default 2, "
                          "at most 600 and 100,000 requests; a longer one "
                          "meets rarer stalls)")
    ->check(troupe::cli::positive_number(600));
  profile_cmd->add_option("--out", prof.out_file,
                          "Write the profile as a model file for a "
                          "scenario's model_files");
  profile_cmd->add_flag("--quiet{false},-q{false}", prof.progress,
                        "No progress lines");

  troupe::rafiki_command_options rafiki;
  auto* rafiki_cmd = app.add_subcommand(
    "rafiki", "Rafiki (seed 000): which models and batch size serve each "
              "batch");
  rafiki_cmd->require_subcommand(1);
  auto* rafiki_replay = rafiki_cmd->add_subcommand(
    "replay", "Run the environment on fixed arrivals and actions and write "
              "every step to steps.csv");
  // Options every rafiki subcommand shares.
  auto add_environment = [&](CLI::App* cmd) {
    cmd->add_option("--scenario", rafiki.scenario_file,
                    "Scenario with a Rafiki stage (default "
                    "scenarios/rafiki-seed.toml)");
    cmd->add_option("--policy", rafiki.mode,
                    "sync or async (default: the scenario's)")
      ->check(CLI::IsMember({"sync", "async"}));
    cmd->add_option("--beta", rafiki.beta,
                    "Weight of overdue requests in the reward")
      ->check(troupe::cli::non_negative_number());
    cmd->add_option("--max-latency", rafiki.max_latency_s,
                    "Seconds after which a request is overdue")
      ->check(troupe::cli::positive_number());
    cmd->add_option("--tau-times,--tau", rafiki.tau_times,
                    "tau = the largest latency x this")
      ->check(troupe::cli::positive_number());
  };
  add_environment(rafiki_replay);
  rafiki_replay->add_option("--arrivals", rafiki.arrivals_file,
                            "Arrival times, one per line, in seconds, "
                            "ascending")
    ->required();
  rafiki_replay->add_option("--actions", rafiki.actions_file,
                            "Action indexes, one per line")
    ->required();
  rafiki_replay->add_option("--out", rafiki.out_dir,
                            "Folder for steps.csv")
    ->required();
  auto* rafiki_train = rafiki_cmd->add_subcommand(
    "train", "Train a policy (A2C or REINFORCE) in virtual time");
  add_environment(rafiki_train);
  rafiki_train->add_option("--algorithm", rafiki.algorithm,
                           "reinforce (default, the seed's later version) "
                           "or a2c (the 2018 version, GAE)")
    ->check(CLI::IsMember({"a2c", "reinforce"}));
  rafiki_train->add_option("--num-frames", rafiki.num_frames,
                           "Steps to act and learn from (default 300000)")
    ->check(troupe::cli::positive_integer());
  rafiki_train->add_option("--num-steps", rafiki.num_steps,
                           "Frames per update (default: reinforce 32, a2c 5)")
    ->check(CLI::Range(1, 100000));
  rafiki_train->add_option("--lr", rafiki.lr,
                           "RMSprop learning rate (default: reinforce 7e-5, "
                           "a2c 7e-4)")
    ->check(troupe::cli::positive_number(1));
  rafiki_train->add_option("--env", rafiki.env,
                           "direct (default: the graph's steps without "
                           "actors, fast) or graph (the scenario's actor "
                           "graph)")
    ->check(CLI::IsMember({"direct", "graph"}));
  rafiki_train->add_option("--validate-every", rafiki.validate_every,
                           "Frames between validation episodes; policy.txt "
                           "is the best validated (default 100000; 0: no "
                           "validation, policy.txt is the last)")
    ->check(troupe::cli::non_negative_integer());
  rafiki_train->add_option("--seed", rafiki.seed,
                           "Seed of the networks and the action sampling")
    ->check(troupe::cli::non_negative_integer());
  rafiki_train->add_option("--out", rafiki.out_dir,
                           "Folder for policy.txt")
    ->required();
  rafiki_train->add_flag("--quiet{false},-q{false}", rafiki.progress,
                         "No progress lines");
  auto* rafiki_eval = rafiki_cmd->add_subcommand(
    "eval", "Compare a trained policy with the baselines on the scenario's "
            "workload");
  add_environment(rafiki_eval);
  rafiki_eval->add_option("--policy-file", rafiki.policy_file,
                          "A policy.txt from train (default: baselines "
                          "only)");
  rafiki_eval->add_option("--count", rafiki.count,
                          "Send at most this many requests")
    ->check(troupe::cli::positive_integer());
  rafiki_eval->add_option("--seed", rafiki.seed,
                          "Seed of the random baseline")
    ->check(troupe::cli::non_negative_integer());
  rafiki_eval->add_option("--out", rafiki.out_dir, "Folder for eval.csv");
  auto* rafiki_serve = rafiki_cmd->add_subcommand(
    "serve", "Serve with a trained policy in real time (real models for a "
             "zoo scenario), beside the same run in virtual time");
  add_environment(rafiki_serve);
  auto* serve_policy = rafiki_serve->add_option(
    "--policy-file", rafiki.policy_file, "A policy.txt from train");
  auto* serve_agent = rafiki_serve->add_option(
    "--agent", rafiki.agent,
    "A baseline to serve instead (greedy, clipper, all-max, best-single, "
    "random)");
  serve_agent->check(CLI::IsMember(troupe::rafiki::baselines()));
  serve_policy->excludes(serve_agent);
  serve_agent->excludes(serve_policy);
  rafiki_serve->add_option("--seed", rafiki.seed,
                           "Seed of the random baseline")
    ->check(troupe::cli::non_negative_integer());
  rafiki_serve->add_option("--count", rafiki.count,
                           "Send at most this many requests")
    ->check(troupe::cli::positive_integer());
  rafiki_serve->add_option("--out", rafiki.out_dir,
                           "Folder for serve.csv and the per-second series");

  if (auto code = troupe::cli::parse(app, argc, argv); code >= 0)
    return code;
  if (*profile_cmd)
    return troupe::profile_command(prof);
  if (*zoo_train)
    return troupe::zoo_train_command(zoo);
  if (*zoo_accuracy)
    return troupe::zoo_accuracy_command(zoo);
  if (*run_cmd)
    return troupe::run_command(run);
  if (*node_cmd)
    return troupe::node_command(node);
  if (*plan_cmd)
    return troupe::plan_command(plan);
  if (*rafiki_replay)
    return troupe::rafiki_replay_command(rafiki);
  if (*rafiki_serve)
    return troupe::rafiki_serve_command(rafiki);
  if (*rafiki_train)
    return troupe::rafiki_train_command(rafiki);
  if (*rafiki_eval)
    return troupe::rafiki_eval_command(rafiki);
  return 0;
}
