// Rafiki's training speed in virtual time: environment frames (steps) per
// second of wall time, one core, the seed's network sizes. The original
// Python implementation runs about 1,500 frames/s (A2C, async, logging
// off) on this machine kind; each row says how many times that it is.
// Rows: each learner on the environment without actors, A2C on the actor
// graph, and the environment alone (the random baseline acting), so that
// one run shows where the time goes.

#include <chrono>

#include <fmt/format.h>

#include "bench/bench.hpp"
#include "policies/rafiki/agent.hpp"
#include "runtime/rafiki_runs.hpp"

namespace troupe::bench {

namespace {

/// The original's speed on this machine kind (the measurement).
constexpr double original_frames_per_s = 1500;

struct speed_row {
  std::string what;
  uint64_t frames = 0;
  double wall_s = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                       - start)
    .count();
}

speed_row train(const scenario& sc, const std::string& algorithm,
                size_t num_steps, training_env env, uint64_t frames) {
  rafiki::learner_options options;
  options.algorithm = algorithm;
  options.num_steps = num_steps;
  options.max_frames = frames;
  auto agent = make_rafiki_learner(sc, options);
  training_options training;
  training.frames = frames;
  training.env = env;
  training.validate_every = 0;
  auto start = std::chrono::steady_clock::now();
  train_rafiki(sc, agent, training);
  return {fmt::format("{} (num-steps {}), {}", algorithm, num_steps,
                      env == training_env::direct ? "direct" : "graph"),
          agent.frames(), seconds_since(start)};
}

speed_row environment_alone(const scenario& sc, uint64_t frames) {
  uint64_t steps = 0;
  double wall = 0;
  for (uint64_t episode = 0; steps < frames; ++episode) {
    auto arrivals = make_arrivals(sc, sc.seed + episode);
    auto random = rafiki::make_baseline("random", episode);
    auto start = std::chrono::steady_clock::now();
    run_rafiki_direct(sc, arrivals, *random,
                      [&](const rafiki::step_record&) { ++steps; });
    wall += seconds_since(start);
  }
  return {"environment alone (random actions), direct", steps, wall};
}

} // namespace

int rafiki_speed(const std::string& scenario_file, uint64_t frames) {
  auto sc = load_scenario(scenario_file);
  std::vector<speed_row> rows;
  rows.push_back(train(sc, "a2c", 5, training_env::direct, frames));
  rows.push_back(train(sc, "reinforce", 32, training_env::direct, frames));
  rows.push_back(train(sc, "a2c", 5, training_env::graph,
                       std::max<uint64_t>(1, frames / 10)));
  rows.push_back(environment_alone(sc, frames));
  fmt::print("| {} | frames | wall s | frames/s | x the original's {:.0f} "
             "|\n|---|---|---|---|---|\n",
             sc.name, original_frames_per_s);
  for (const auto& r : rows) {
    auto speed = double(r.frames) / r.wall_s;
    fmt::print("| {} | {} | {:.2f} | {:.0f} | {:.1f} |\n", r.what, r.frames,
               r.wall_s, speed, speed / original_frames_per_s);
  }
  return 0;
}

} // namespace troupe::bench
