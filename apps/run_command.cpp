#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "apps/command_errors.hpp"
#include "apps/commands.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "runtime/cluster_report.hpp"
#include "runtime/report.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "runtime/thread_plan.hpp"
#include "runtime/timeseries.hpp"

namespace troupe {

namespace {

/// Set by the first Ctrl-C of a run; a second one ends the
/// process at once (the default action, restored by the first).
volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int) {
  interrupted = 1;
  std::signal(SIGINT, SIG_DFL);
}

} // namespace

int run_command(const run_command_options& options) {
  auto clock = parse_clock_kind(options.clock);
  if (!clock) {
    std::cerr << "troupe run: --clock must be 'virtual' or 'real', got '"
              << options.clock << "'\n";
    return 2;
  }
  return report_errors("troupe run", [&] {
    auto sc = load_scenario(options.scenario_file);
    if (options.scaling) {
      auto policy = parse_scaling_kind(*options.scaling);
      if (!policy) {
        std::cerr << "troupe run: --scaling must be none, seed, tuner or "
                     "oracle, got '"
                  << *options.scaling << "'\n";
        return 2;
      }
      sc.scaling.policy = *policy;
    }
    if (!options.out_dir.empty())
      prepare_output_folder(options.out_dir);
    run_options ro;
    ro.clock = *clock;
    ro.seed = options.seed;
    ro.count = options.count;
    ro.threads = options.threads;
    ro.network.certificate = options.certificate;
    ro.network.key = options.key;
    ro.network.ca_file = options.ca_file;
    ro.network.set_connection_timeout(from_ms(options.connection_timeout_ms));
    if (options.progress)
      ro.on_progress = [printed = size_t{0}](const run_progress& p) mutable {
        std::cerr << fmt::format(
          "  [{:6.1f} s wall] simulated {:8.1f} s  {:>9}/{} requests ended  "
          "({:.0f} requests/s wall)\n",
          p.wall_s, p.simulated_s, p.ended, p.total,
          p.wall_s > 0 ? double(p.ended) / p.wall_s : 0.0);
        // Each node event once, as soon as a report sees it.
        for (; printed < p.node_events.size(); ++printed)
          std::cerr << "  " << describe(p.node_events[printed]) << "\n";
      };
    if (options.progress)
      std::cerr << fmt::format("running '{}' ({} stages, {} workload) in {} "
                               "time\n",
                               sc.name, sc.stages.size(), sc.workload.kind,
                               options.clock);
    if (auto plan = plan_threads(sc, *clock, options.threads);
        *clock == clock_kind::real_time && plan.oversubscribed)
      std::cerr << fmt::format(
        "troupe run: note: more torch replicas than threads - 1 ({} "
        "thread{}): each replica is a thread of its own, so they and the "
        "actors take turns on the cores\n",
        plan.threads, plan.threads == 1 ? "" : "s");
    std::signal(SIGINT, on_interrupt);
    ro.cancelled = [] { return interrupted != 0; };
    auto result = run_scenario(sc, ro);
    std::signal(SIGINT, SIG_DFL);
    auto summary = summarize(sc, result);
    std::cout << render_summary(summary);
    if (!result.interruption.empty())
      std::cerr << "troupe run: " << result.interruption << "\n";
    if (!options.out_dir.empty()) {
      auto dir = std::filesystem::path{options.out_dir};
      write_summary_json(summary, (dir / "summary.json").string());
      write_requests_csv(sc, result.outcomes, (dir / "requests.csv").string());
      write_intervals_csv(interval_series(sc, result, to_seconds(sc.scaling.interval)),
                          (dir / "intervals.csv").string());
      std::cout << "  wrote " << (dir / "summary.json").string() << ", "
                << (dir / "requests.csv").string() << " and "
                << (dir / "intervals.csv").string() << "\n";
      if (!result.scaling.samples.empty()) {
        write_scaling_csv(sc, result.scaling,
                          (dir / "scaling.csv").string());
        auto plot = plot_scaling(sc, dir.string(), summary.duration_s);
        std::cout << "  wrote " << (dir / "scaling.csv").string() << " and "
                  << (plot.png.empty() ? "no plot: " + plot.problem : plot.png)
                  << "\n";
      }
    }
    if (summary.completed + summary.dropped + summary.failed != summary.sent)
      return 1;
    if (result.cancelled)
      return 130; // as a shell reports a process ended by Ctrl-C
    return result.interruption.empty() ? 0 : 1;
  });
}

} // namespace troupe
