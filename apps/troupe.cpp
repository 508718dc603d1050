// The troupe executable: one binary, one subcommand per job.

#include <CLI/CLI.hpp>

#include "apps/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"troupe: an actor runtime for serving ML models and learning "
               "how to serve them"};
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
                      "Seed for generated workloads (default: the scenario's)");
  run_cmd->add_option("--count", run.count,
                      "Send at most this many requests")
    ->check(CLI::PositiveNumber);
  run_cmd->add_option("--scaling", run.scaling,
                      "Overrides the scenario's scaling policy: none, seed, "
                      "tuner or oracle");
  run_cmd->add_flag("--quiet{false},-q{false}", run.progress,
                    "No progress lines");

  troupe::plan_command_options plan;
  auto* plan_cmd = app.add_subcommand(
    "plan", "Choose hardware, batch sizes and replicas that meet the SLO at "
            "the least cost (InferLine's planners)");
  plan_cmd->add_option("scenario", plan.scenario_file, "Scenario file (TOML)")
    ->required();
  plan_cmd->add_option("--slo-ms", plan.slo_ms,
                       "Latency objective (default: the scenario's slo_ms)")
    ->check(CLI::PositiveNumber);
  plan_cmd->add_option("--method", plan.method,
                       "greedy (default: InferLine's planner plus an escape "
                       "phase), inferline (the published planner alone), "
                       "exhaustive or throughput")
    ->check(
      CLI::IsMember({"greedy", "inferline", "exhaustive", "throughput"}));
  plan_cmd->add_option("--budget", plan.budget,
                       "Cost budget (required by --method throughput)")
    ->check(CLI::PositiveNumber);
  plan_cmd->add_option("--out", plan.out_dir,
                       "Folder for plan.toml and summary.json (default "
                       "out/plan)");
  plan_cmd->add_option("--seed", plan.seed,
                       "Seed of the sample workload (default: the scenario's)");
  plan_cmd->add_option("--count", plan.count,
                       "Simulate plans on at most this many requests")
    ->check(CLI::PositiveNumber);
  plan_cmd->add_option("--max-replicas", plan.max_replicas,
                       "Replicas per stage at most (default 32)")
    ->check(CLI::Range(1, 1024));
  plan_cmd->add_flag("--quiet{false},-q{false}", plan.progress,
                     "No progress lines");

  CLI11_PARSE(app, argc, argv);
  if (*run_cmd)
    return troupe::run_command(run);
  if (*plan_cmd)
    return troupe::plan_command(plan);
  return 0;
}
