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
  run_cmd->add_flag("--quiet{false},-q{false}", run.progress,
                    "No progress lines");

  CLI11_PARSE(app, argc, argv);
  if (*run_cmd)
    return troupe::run_command(run);
  return 0;
}
