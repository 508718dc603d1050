// troupe-bench: the benchmark harness. Each subcommand prints Markdown that
// docs/bench.md quotes, with the command that produced it.

#include <CLI/CLI.hpp>

#include "apps/command_errors.hpp"
#include "apps/command_line.hpp"
#include "bench/bench.hpp"

int main(int argc, char** argv) {
  CLI::App app{"troupe-bench: speed and fidelity benchmarks of troupe"};
  app.name("troupe-bench");
  app.require_subcommand(1);
  std::string dir = TROUPE_SOURCE_DIR;

  std::string speed_file = dir + "/scenarios/image-driver-1.toml";
  int repeat = 3;
  auto* speed = app.add_subcommand(
    "virtual-speed", "Wall-clock speed of a virtual-time run");
  speed->add_option("--scenario", speed_file, "Scenario file");
  speed->add_option("--repeat", repeat, "Runs (the median is reported)")
    ->check(CLI::Range(1, 1000));

  std::string gap_file = dir + "/bench/scenarios/sim-to-real.toml";
  auto* gap = app.add_subcommand(
    "sim-to-real", "Latency percentiles in virtual vs real time");
  gap->add_option("--scenario", gap_file, "Scenario file");
  std::optional<uint64_t> gap_count;
  gap->add_option("--count", gap_count, "Send at most this many requests")
    ->check(troupe::cli::positive_integer());

  uint64_t count = 200000;
  auto* over = app.add_subcommand(
    "overhead", "Per-hop latency and peak throughput of no-op stages");
  over->add_option("--count", count,
                   "Requests in the burst run (the others last 1 s each)")
    ->check(troupe::cli::positive_integer());

  std::string plan_file = dir + "/scenarios/image-driver-1.toml";
  uint64_t plan_count = 10000;
  auto* quality = app.add_subcommand(
    "planner-quality", "The proven optimal plan vs InferLine's planner");
  quality->add_option("--scenario", plan_file, "Scenario file (its pipeline)");
  quality->add_option("--count", plan_count,
                      "Requests in each workload sample")
    ->check(troupe::cli::positive_integer());

  std::vector<std::string> scaling_files{
    dir + "/scenarios/scaling-wave.toml", dir + "/scenarios/scaling-trace.toml"};
  auto* scale = app.add_subcommand(
    "scaling", "Scaling policies vs the hindsight oracle and static peak");
  scale->add_option("--scenario", scaling_files,
                    "Scaled scenario files (repeat the option for several)");

  std::string rafiki_file = dir + "/scenarios/rafiki-seed.toml";
  uint64_t rafiki_frames = 300000;
  auto* rafiki = app.add_subcommand(
    "rafiki-speed", "Rafiki's training frames per second of wall time");
  rafiki->add_option("--scenario", rafiki_file, "Scenario with a Rafiki stage");
  rafiki->add_option("--frames", rafiki_frames,
                     "Frames per direct row (the graph row runs a tenth)")
    ->check(troupe::cli::positive_integer());

  troupe::bench::serving_options serving;
  serving.repository = dir + "/zoo";
  auto* serve = app.add_subcommand(
    "serving", "A real model: the limit, batching gain, overhead breakdown, "
               "sim-to-real");
  serve->add_option("--repo", serving.repository,
                    "Model repository (default: the source tree's zoo)");
  serve->add_option("--model", serving.model, "Model (default cnn-small)");
  serve->add_option("--slo-ms", serving.slo_ms, "p99 objective (default 10)")
    ->check(troupe::cli::positive_number());
  serve->add_option("--sim-models", serving.sim_models,
                    "Models whose sim-to-real gap is measured (default "
                    "cnn-small cnn-wide)");
  serve->add_option("--real-runs", serving.real_runs,
                    "Real runs per sim-to-real row (default 5)")
    ->check(CLI::Range(1, 100));
  serve->add_option("--quiet-pairs", serving.quiet_pairs,
                    "Stop a sim-to-real row once this many of its pairs "
                    "were quiet (default 0: all --real-runs)")
    ->check(CLI::Range(0, 100));
  serve->add_flag("--sim-only", serving.sim_only,
                  "Only the sim-to-real part");
  serve->add_flag("--limit-only", serving.limit_only,
                  "Only the limit: troupe against a plain loop (under a "
                  "minute)");
  serve->add_flag("--overhead-only", serving.overhead_only,
                  "Only the overhead breakdown per request, at half the "
                  "profile's throughput at batch 32 (about a minute)");
  serve->add_flag("--batching-only", serving.batching_only,
                  "Only the batching gain: each policy's highest rate within "
                  "the SLO (about 5 minutes)");

  size_t pings = 20000;
  uint64_t burst = 200000;
  auto* cluster = app.add_subcommand(
    "cluster", "Cluster mode on loopback: remote hop, two-process "
               "throughput, failover time");
  cluster->add_option("--pings", pings, "Round trips measured (default "
                                        "20000)")
    ->check(troupe::cli::positive_integer());
  cluster->add_option("--burst", burst, "Requests of the throughput burst "
                                        "(default 200000)")
    ->check(troupe::cli::positive_integer());

  std::string point_file;
  double point_rate = 0;
  auto* point = app.add_subcommand(
    "overhead-point", "One run of `overhead` (it starts a process per run)");
  point->group("");  // internal: not listed in --help
  point->add_option("--scenario", point_file)->required();
  point->add_option("--rate", point_rate)->required();
  point->add_option("--count", count)->required();

  if (auto code = troupe::cli::parse(app, argc, argv); code >= 0)
    return code;
  auto command = "troupe-bench " + app.get_subcommands().front()->get_name();
  return troupe::report_errors(command, [&] {
    if (*point)
      return troupe::bench::overhead_point(point_file, point_rate, count);
    if (*speed)
      return troupe::bench::virtual_speed(speed_file, repeat);
    if (*quality)
      return troupe::bench::planner_quality(plan_file, plan_count);
    if (*scale)
      return troupe::bench::scaling(scaling_files);
    if (*serve)
      return troupe::bench::serving(serving);
    if (*rafiki)
      return troupe::bench::rafiki_speed(rafiki_file, rafiki_frames);
    if (*gap)
      return troupe::bench::sim_to_real(gap_file, gap_count);
    if (*cluster)
      return troupe::bench::cluster(pings, burst);
    return troupe::bench::overhead(dir + "/bench/scenarios", count);
  });
}
