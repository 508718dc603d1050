// `troupe rafiki replay`: Rafiki's environment (seed 000) on fixed arrivals
// and a fixed action sequence, step by step.

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "apps/command_errors.hpp"
#include "apps/commands.hpp"
#include "runtime/rafiki_runs.hpp"
#include "runtime/rafiki_setup.hpp"
#include "runtime/report.hpp"

namespace troupe {

namespace {

scenario load_with_overrides(const rafiki_command_options& options) {
  auto sc = load_scenario(options.scenario_file);
  apply_rafiki_overrides(sc, {options.mode, options.beta,
                              options.max_latency_s, options.tau_times});
  return sc;
}

std::string describe(const scenario& sc) {
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  const auto& env = x.environment;
  return fmt::format("{}, {}, beta {:g}, max latency {:g} s, tau x{:g}",
                     sc.file, env.sync ? "sync" : "async", env.beta,
                     env.max_latency_s, env.tau_times);
}

} // namespace

int rafiki_replay_command(const rafiki_command_options& options) {
  return report_errors("troupe rafiki replay", [&] {
    auto sc = load_with_overrides(options);
    auto arrivals = read_arrival_seconds(options.arrivals_file);
    auto actions = read_action_file(options.actions_file,
                                     rafiki_action_count(sc));
    prepare_output_folder(options.out_dir);
    std::cout << fmt::format("replaying {} actions on {} arrivals ({})\n",
                             actions.size(), arrivals.size(), describe(sc));
    auto replay = replay_rafiki(sc, std::move(arrivals), std::move(actions));
    uint64_t served = 0;
    uint64_t overdue = 0;
    double reward = 0;
    for (const auto& s : replay.steps) {
      served += s.served;
      overdue += s.overdue;
      reward += s.reward;
    }
    std::cout << fmt::format(
      "  steps {}  served {}  overdue {} ({:.2f}%)  reward {:.3f}\n",
      replay.steps.size(), served, overdue,
      served > 0 ? 100.0 * double(overdue) / double(served) : 0.0, reward);
    if (replay.actions_ran_out) {
      auto summary = summarize(sc, replay.run);
      std::cout << fmt::format("  the actions ran out with {} requests not "
                               "served: they were dropped (no_route)\n",
                               summary.drop_reasons["no_route"]);
    }
    auto path = (std::filesystem::path{options.out_dir} / "steps.csv")
                  .string();
    write_steps_csv(path, replay.steps);
    std::cout << "  wrote " << path << "\n";
    return 0;
  });
}

} // namespace troupe
