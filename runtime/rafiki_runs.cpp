#include "runtime/rafiki_runs.hpp"

#include <algorithm>
#include <any>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "models/input_error.hpp"
#include "models/output_file.hpp"
#include "models/text_input.hpp"
#include "policies/rafiki/step_rules.hpp"
#include "runtime/rafiki_setup.hpp"

namespace troupe {

namespace {

rafiki_settings& settings_of(scenario& sc) {
  auto& spec = sc.stages[rafiki_stage(sc)];
  return std::any_cast<rafiki_settings&>(spec.controller_settings);
}

} // namespace

void apply_rafiki_overrides(scenario& sc, const rafiki_overrides& x) {
  auto& env = settings_of(sc).environment;
  if (x.mode) {
    auto sync = parse_rafiki_mode(*x.mode);
    if (!sync)
      throw std::invalid_argument("--policy must be sync or async, got '"
                                  + *x.mode + "'");
    env.sync = *sync;
  }
  auto set = [](double& to, std::optional<double> value,
                const rafiki_bound& bound, const char* option) {
    if (!value)
      return;
    if (auto why = bound.problem(*value); !why.empty())
      throw std::invalid_argument(std::string{option} + " " + why);
    to = *value;
  };
  set(env.beta, x.beta, beta_bound, "--beta");
  set(env.max_latency_s, x.max_latency_s, max_latency_bound, "--max-latency");
  set(env.tau_times, x.tau_times, tau_times_bound, "--tau-times");
}

size_t rafiki_action_count(const scenario& sc) {
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  return rafiki::action_space{x.models.size(), x.batch_sizes.size()}.size();
}

rafiki::learner make_rafiki_learner(const scenario& sc,
                                    rafiki::learner_options options) {
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  return rafiki::learner{
    rafiki::observation_size(x.models.size(), x.batch_sizes.size()),
    rafiki_action_count(sc), std::move(options)};
}

std::vector<size_t> read_action_file(const std::string& path,
                                     size_t action_count) {
  auto in = open_or_throw(path, "action file");
  std::vector<size_t> actions;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto text = trim(line);
    if (text.empty())
      continue;
    double value = 0;
    if (!parse_double(text, value) || value < 0
        || value >= double(action_count) || value != double(size_t(value)))
      throw input_error(path, line_no, "action",
                        fmt::format("expected an action index from 0 to {}, "
                                    "got {}",
                                    action_count - 1, quoted(text)));
    actions.push_back(static_cast<size_t>(value));
  }
  if (actions.empty())
    throw input_error(path, 0, "", "action file holds no actions");
  return actions;
}

namespace {

/// A controller kind "rafiki" for one run: the scenario's settings with
/// this agent, every step to `on_step`.
controller_kind controller_with(
  std::shared_ptr<rafiki::agent> agent,
  std::function<void(const rafiki::step_record&)> on_step) {
  controller_kind k;
  k.name = "rafiki";
  k.spawn = [agent, on_step](const controller_spawn_context& ctx) {
    return spawn_rafiki_controller(ctx, agent, on_step);
  };
  return k;
}

} // namespace

void step_totals::add(const rafiki::step_record& s) {
  ++steps;
  served += s.served;
  overdue += s.overdue;
  reward += s.reward;
  accuracy_served += s.accuracy * double(s.served);
}

rafiki::direct_outcome
run_rafiki_direct(const scenario& sc, const arrival_times& arrivals,
                  rafiki::agent& agent,
                  std::function<void(const rafiki::step_record&)> on_step) {
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  rafiki::step_controller steps{rafiki_tables(sc, x), x.environment, agent};
  steps.on_step = std::move(on_step);
  std::vector<int64_t> arrivals_ns;
  arrivals_ns.reserve(arrivals.size());
  for (auto a : arrivals)
    arrivals_ns.push_back(a.count());
  return rafiki::run_direct(steps, arrivals_ns);
}

namespace {

/// Runs a frozen copy of `agent` on the validation workload.
validation validate(const scenario& sc, const rafiki::learner& agent,
                    const arrival_times& arrivals, rafiki::learner& copy) {
  copy = agent;
  copy.freeze();
  step_totals totals;
  run_rafiki_direct(sc, arrivals, copy,
                    [&](const rafiki::step_record& s) { totals.add(s); });
  validation v;
  v.frames = agent.frames();
  v.reward_per_request = arrivals.empty()
                           ? 0.0
                           : totals.reward / double(arrivals.size());
  v.overdue_ratio = totals.overdue_ratio();
  return v;
}

} // namespace

training_result train_rafiki(const scenario& sc, rafiki::learner& agent,
                             const training_options& options) {
  training_result result;
  training_progress progress;
  progress.target_frames = options.frames;
  auto start = std::chrono::steady_clock::now();
  auto report = [&] {
    progress.frames = agent.frames();
    progress.wall_s = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (options.on_progress)
      options.on_progress(progress);
    progress.recent = {};
    progress.validations.clear();
  };
  arrival_times validation_arrivals;
  if (options.validate_every > 0)
    validation_arrivals = make_arrivals(sc, sc.seed + validation_seed_offset);
  auto next_validation = options.validate_every;
  rafiki::learner copy = agent;
  auto check = [&] {
    auto v = validate(sc, agent, validation_arrivals, copy);
    result.validations.push_back(v);
    progress.validations.push_back(v);
    if (!result.best
        || v.reward_per_request > result.best_validation.reward_per_request) {
      result.best = copy;
      result.best_validation = v;
    }
  };
  // Progress about once per second of wall time, as a graph's run reports.
  auto last_report = start;
  auto on_step = [&](const rafiki::step_record& s) {
    result.totals.add(s);
    progress.recent.add(s);
    if (options.validate_every > 0 && agent.frames() >= next_validation) {
      next_validation += options.validate_every;
      check();
    }
    if (options.env == training_env::direct && (s.step & 255) == 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_report >= std::chrono::seconds{1}) {
        last_report = now;
        report();
      }
    }
  };
  auto shared = std::shared_ptr<rafiki::agent>(&agent, [](rafiki::agent*) {});
  for (uint64_t episode = 0; agent.frames() < options.frames; ++episode) {
    auto before = agent.frames();
    auto seed = sc.seed + episode;
    if (options.env == training_env::direct) {
      run_rafiki_direct(sc, make_arrivals(sc, seed, {}), agent, on_step);
    } else {
      run_options run;
      run.seed = seed;
      run.controllers = {controller_with(shared, on_step)};
      run.cancelled = [&] { return agent.frames() >= options.frames; };
      run.on_progress = [&](const run_progress&) { report(); };
      run_scenario(sc, run);
    }
    if (agent.frames() == before)
      throw std::runtime_error(sc.file + ": an episode took no step: the "
                                         "workload sends nothing to learn "
                                         "from");
  }
  // The final policy competes too.
  if (options.validate_every > 0
      && (result.validations.empty()
          || result.validations.back().frames != agent.frames()))
    check();
  report();
  return result;
}

evaluation evaluate_rafiki(const scenario& sc, const std::string& name,
                           std::shared_ptr<rafiki::agent> agent,
                           const arrival_times& arrivals, clock_kind clock) {
  const auto& x = rafiki_settings_of(sc.stages[rafiki_stage(sc)]);
  evaluation result{name, {},
                    rafiki_series{arrivals, x.environment.max_latency_s}, {}};
  result.run = run_rafiki_graph(sc, arrivals, std::move(agent),
                                [&result](const rafiki::step_record& s) {
                                  result.totals.add(s);
                                  result.series.add(s);
                                },
                                clock);
  result.series.measure(result.run.outcomes);
  return result;
}

run_result
run_rafiki_graph(const scenario& sc, arrival_times arrivals,
                 std::shared_ptr<rafiki::agent> agent,
                 std::function<void(const rafiki::step_record&)> on_step,
                 clock_kind clock) {
  run_options options;
  options.clock = clock;
  options.arrivals = std::make_shared<arrival_times>(std::move(arrivals));
  options.controllers = {controller_with(std::move(agent),
                                         std::move(on_step))};
  return run_scenario(sc, options);
}

rafiki_replay replay_rafiki(const scenario& sc, arrival_times arrivals,
                            std::vector<size_t> actions) {
  rafiki_replay result;
  result.run = run_rafiki_graph(sc, std::move(arrivals),
                                rafiki::make_fixed_agent(std::move(actions)),
                                [&result](const rafiki::step_record& rec) {
                                  result.steps.push_back(rec);
                                });
  // Only a controller out of actions sends requests along no route.
  const auto& records = result.run.outcomes.records;
  result.actions_ran_out
    = std::any_of(records.begin(), records.end(), [](const auto& r) {
        return r.reason == errc::no_route;
      });
  return result;
}

void write_steps_csv(const std::string& path,
                     const std::vector<rafiki::step_record>& steps) {
  output_file file{path};
  auto& out = file.stream();
  out << "step,time_s,action,batch_size,served,overdue,reward\n";
  for (const auto& s : steps)
    out << fmt::format("{},{:.9f},{},{},{},{},{:.6f}\n", s.step, s.time_s,
                       s.action, s.batch_size, s.served, s.overdue, s.reward);
  file.commit();
}

} // namespace troupe
