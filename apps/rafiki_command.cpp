// `troupe rafiki replay|train|eval|serve`: Rafiki (seed 000) on the
// scenario's actor graph: a fixed action sequence step by step, a learner
// trained in virtual time, a learned policy against the baselines, and a
// learned policy deployed in real time beside its virtual-time run.

#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "apps/command_errors.hpp"
#include "models/output_file.hpp"
#include "apps/commands.hpp"
#include "runtime/rafiki_runs.hpp"
#include "runtime/rafiki_series.hpp"
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
    step_totals totals;
    for (const auto& s : replay.steps)
      totals.add(s);
    std::cout << fmt::format(
      "  steps {}  served {}  overdue {} ({:.2f}%)  reward {:.3f}\n",
      totals.steps, totals.served, totals.overdue,
      100.0 * totals.overdue_ratio(), totals.reward);
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

namespace {

rafiki::learner make_learner(const scenario& sc,
                             const rafiki_command_options& options) {
  rafiki::learner_options lo;
  lo.algorithm = options.algorithm;
  bool a2c = options.algorithm == "a2c";
  lo.num_steps = options.num_steps.value_or(a2c ? 5 : 32);
  lo.lr = options.lr.value_or(a2c ? 7e-4 : 7e-5);
  lo.seed = options.seed;
  lo.max_frames = options.num_frames;
  return make_rafiki_learner(sc, lo);
}

void print_progress(const training_progress& p) {
  std::cerr << fmt::format(
    "  frames {:>9}/{} ({:3.0f}%)  {:7.0f} frames/s  reward/step {:7.2f}  "
    "accuracy {:5.1f}%  overdue {:5.1f}%\n",
    p.frames, p.target_frames,
    100.0 * double(p.frames) / double(std::max<uint64_t>(1, p.target_frames)),
    p.wall_s > 0 ? double(p.frames) / p.wall_s : 0.0,
    p.recent.steps > 0 ? p.recent.reward / double(p.recent.steps) : 0.0,
    100.0 * p.recent.accuracy(), 100.0 * p.recent.overdue_ratio());
  for (const auto& v : p.validations)
    std::cerr << fmt::format("  validation at {} frames: reward/request "
                             "{:.4f}, overdue {:.2f}%\n",
                             v.frames, v.reward_per_request,
                             100.0 * v.overdue_ratio);
}

} // namespace

int rafiki_train_command(const rafiki_command_options& options) {
  return report_errors("troupe rafiki train", [&] {
    auto sc = load_with_overrides(options);
    auto agent = make_learner(sc, options);
    prepare_output_folder(options.out_dir);
    auto env = options.env == "graph" ? training_env::graph
                                      : training_env::direct;
    std::cout << fmt::format("training {} (num-steps {}, lr {:g}) for {} "
                             "frames on the {} environment ({})\n",
                             options.algorithm, agent.options().num_steps,
                             agent.options().lr, options.num_frames,
                             options.env, describe(sc));
    training_options training;
    training.frames = options.num_frames;
    training.env = env;
    training.validate_every = options.validate_every;
    if (options.progress)
      training.on_progress = print_progress;
    auto start = std::chrono::steady_clock::now();
    auto trained = train_rafiki(sc, agent, training);
    auto wall = std::chrono::duration<double>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    const auto& totals = trained.totals;
    std::cout << fmt::format(
      "  {} frames in {:.1f} s ({:.0f} frames/s), {} updates; over the "
      "whole run: reward/step {:.2f}, accuracy {:.2f}%, overdue {:.2f}%\n",
      agent.frames(), wall, double(agent.frames()) / wall, agent.updates(),
      totals.steps > 0 ? totals.reward / double(totals.steps) : 0.0,
      100.0 * totals.accuracy(), 100.0 * totals.overdue_ratio());
    namespace fs = std::filesystem;
    auto dir = fs::path{options.out_dir};
    auto path = (dir / "policy.txt").string();
    if (trained.best) {
      const auto& best = trained.best_validation;
      std::cout << fmt::format("  best validation at {} frames: "
                               "reward/request {:.4f}, overdue {:.2f}%\n",
                               best.frames, best.reward_per_request,
                               100.0 * best.overdue_ratio);
      trained.best->save(path);
      auto last = (dir / "last-policy.txt").string();
      agent.save(last);
      std::string table = "frames,reward_per_request,overdue_ratio\n";
      for (const auto& v : trained.validations)
        table += fmt::format("{},{:.6f},{:.6f}\n", v.frames,
                             v.reward_per_request, v.overdue_ratio);
      auto csv = (dir / "validation.csv").string();
      write_file_atomically(csv, table);
      std::cout << "  wrote " << path << " (the best), " << last
                << " (the last) and " << csv << "\n";
    } else {
      agent.save(path);
      std::cout << "  wrote " << path << "\n";
    }
    return 0;
  });
}

namespace {

/// The table eval and serve print: one row per run, kept as CSV, with
/// each run's per-second series and plot in DIR/NAME when there is a DIR.
class evaluation_table {
public:
  evaluation_table(const scenario& sc, std::string out_dir)
    : sc_(sc), out_dir_(std::move(out_dir)) {
    if (!out_dir_.empty())
      prepare_output_folder(out_dir_);
    std::cout << fmt::format("  {:<12} {:>10} {:>9} {:>9} {:>9} {:>9} "
                             "{:>9} {:>12}\n",
                             "agent", "reward/req", "accuracy", "measured",
                             "overdue", "at peaks", "worst 10s",
                             "p99 latency");
  }

  void add(const evaluation& e) {
    auto summary = summarize(sc_, e.run);
    double per_request = summary.sent > 0
                           ? e.totals.reward / double(summary.sent)
                           : 0.0;
    auto peaks = e.series.overdue_at_peaks();
    auto worst = e.series.worst_overdue(10);
    // Predictions against labels, for runs of real models.
    std::string measured = "-";
    std::string measured_csv;
    if (summary.labelled > 0) {
      auto share = double(summary.right) / double(summary.labelled);
      measured = fmt::format("{:.2f}%", 100 * share);
      measured_csv = fmt::format("{:.6f}", share);
    }
    std::cout << fmt::format("  {:<12} {:>10.4f} {:>8.2f}% {:>9} {:>8.2f}% "
                             "{:>8.2f}% {:>8.2f}% {:>10.3f} s\n",
                             e.agent, per_request, 100 * e.totals.accuracy(),
                             measured, 100 * e.series.overdue_ratio(),
                             100 * peaks, 100 * worst,
                             summary.latency_ms.p99 / 1e3);
    csv_ += fmt::format("{},{:.6f},{:.6f},{},{:.6f},{:.6f},{:.6f},{:.3f},{},"
                        "{}\n",
                        e.agent, per_request, e.totals.accuracy(),
                        measured_csv, e.series.overdue_ratio(), peaks, worst,
                        summary.latency_ms.p99 / 1e3, summary.completed,
                        summary.sent);
    if (out_dir_.empty())
      return;
    auto dir = std::filesystem::path{out_dir_} / e.agent;
    std::filesystem::create_directories(dir);
    write_rafiki_seconds_csv((dir / "seconds.csv").string(), e.series);
    const auto& env = rafiki_settings_of(sc_.stages[rafiki_stage(sc_)])
                        .environment;
    auto plot = plot_rafiki(dir.string(),
                            fmt::format("{}: {} ({})", sc_.name, e.agent,
                                        env.sync ? "sync" : "async"),
                            env.max_latency_s);
    plots_.push_back(plot.png.empty() ? "  no plot: " + plot.problem
                                      : "  wrote " + plot.png);
  }

  /// Writes DIR/csv_name (when there is a DIR).
  void finish(const std::string& csv_name) {
    if (out_dir_.empty())
      return;
    auto path = (std::filesystem::path{out_dir_} / csv_name).string();
    write_file_atomically(path,
                          "agent,reward_per_request,accuracy,"
                          "measured_accuracy,overdue_ratio,overdue_at_peaks,"
                          "worst_10s_overdue,p99_latency_s,completed,sent\n"
                            + csv_);
    std::cout << "  wrote " << path << " and seconds.csv per run\n";
    for (const auto& line : plots_)
      std::cout << line << "\n";
  }

private:
  const scenario& sc_;
  std::string out_dir_;
  std::string csv_;
  std::vector<std::string> plots_;
};

std::shared_ptr<rafiki::learner>
load_policy(const scenario& sc, const rafiki_command_options& options) {
  auto learned = std::make_shared<rafiki::learner>(make_learner(sc, options));
  learned->load(options.policy_file);
  learned->freeze();
  return learned;
}

} // namespace

int rafiki_eval_command(const rafiki_command_options& options) {
  return report_errors("troupe rafiki eval", [&] {
    auto sc = load_with_overrides(options);
    std::vector<std::pair<std::string, std::shared_ptr<rafiki::agent>>> agents;
    if (!options.policy_file.empty())
      agents.emplace_back("learned", load_policy(sc, options));
    for (const auto& name : rafiki::baselines())
      agents.emplace_back(name, rafiki::make_baseline(name, options.seed));
    std::cout << fmt::format("evaluating on {} ({})\n", sc.name,
                             describe(sc));
    auto arrivals = make_arrivals(sc, sc.seed, options.count);
    evaluation_table table{sc, options.out_dir};
    for (auto& [name, agent] : agents)
      table.add(evaluate_rafiki(sc, name, agent, arrivals));
    table.finish("eval.csv");
    return 0;
  });
}

int rafiki_serve_command(const rafiki_command_options& options) {
  return report_errors("troupe rafiki serve", [&] {
    if (options.policy_file.empty() == options.agent.empty())
      throw std::invalid_argument("give --policy-file or --agent");
    auto sc = load_with_overrides(options);
    // Each run gets its own agent, so that a random baseline draws the same
    // actions in both.
    auto make_agent = [&]() -> std::shared_ptr<rafiki::agent> {
      if (!options.agent.empty())
        return rafiki::make_baseline(options.agent, options.seed);
      return load_policy(sc, options);
    };
    auto name = options.agent.empty() ? options.policy_file : options.agent;
    auto arrivals = make_arrivals(sc, sc.seed, options.count);
    std::cout << fmt::format("serving {} requests on {} in real time with "
                             "{} ({}); then the same in virtual time\n",
                             arrivals.size(), sc.name, name, describe(sc));
    evaluation_table table{sc, options.out_dir};
    // The deployment, then what the policy was trained to expect: the same
    // graph, arrivals and policy in virtual time on the profiles.
    table.add(evaluate_rafiki(sc, "real-time", make_agent(), arrivals,
                              clock_kind::real_time));
    table.add(evaluate_rafiki(sc, "virtual", make_agent(), arrivals));
    table.finish("serve.csv");
    return 0;
  });
}

} // namespace troupe
