// The `rafiki` controller kind: Rafiki's choice of model subset and batch
// size per step (seed 000). Its settings are read here; what they make is
// runtime/rafiki_setup.cpp.

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "policies/rafiki/agent.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/rafiki_setup.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

void load(const stage_reader& in, stage_spec& spec) {
  rafiki_settings x;
  x.models = in.texts("models");
  for (double b : in.numbers("batch_sizes")) {
    if (!(b >= 1 && b <= 1e6) || b != std::floor(b))
      in.fail("batch_sizes", fmt::format("{} is not a batch size (an integer "
                                         "from 1 to 1000000)",
                                         b));
    x.batch_sizes.push_back(static_cast<uint32_t>(b));
  }
  for (size_t i = 1; i < x.batch_sizes.size(); ++i)
    if (x.batch_sizes[i] <= x.batch_sizes[i - 1])
      in.fail("batch_sizes", "must be ascending");
  if (in.has("accuracy_csv")) {
    if (in.has("accuracy"))
      in.fail("accuracy_csv", "give accuracy or accuracy_csv, not both");
    const auto& repository = in.context().repository;
    if (repository.empty())
      in.fail("accuracy_csv", "names a file in the scenario's model "
                              "repository, and the scenario has none");
    // Absolute, so that the scenario writer's copy reads the same file.
    x.accuracy_csv = std::filesystem::absolute(
                       std::filesystem::path{repository}
                       / in.text("accuracy_csv"))
                       .lexically_normal()
                       .string();
  } else {
    x.accuracy = in.numbers("accuracy");
  }
  for (double a : x.accuracy)
    if (!(a >= 0 && a <= 1))
      in.fail("accuracy", fmt::format("{} is not an accuracy in [0, 1]", a));
  auto& env = x.environment;
  if (in.has("mode")) {
    auto mode = in.text("mode");
    auto sync = parse_rafiki_mode(mode);
    if (!sync)
      in.fail("mode", "must be \"sync\" or \"async\", got '" + mode + "'");
    env.sync = *sync;
  }
  auto within = [&](const rafiki_bound& bound) {
    auto v = in.number(bound.key);
    if (auto why = bound.problem(v); !why.empty())
      in.fail(bound.key, why);
    return v;
  };
  if (in.has("beta"))
    env.beta = within(beta_bound);
  // Overdue means later than the scenario's SLO unless said otherwise.
  env.max_latency_s = in.context().slo_ms / 1000;
  if (in.has("max_latency_s"))
    env.max_latency_s = within(max_latency_bound);
  if (in.has("tau_times"))
    env.tau_times = within(tau_times_bound);
  if (in.has("agent")) {
    x.agent = in.text("agent");
    if (!rafiki::make_baseline(x.agent, 0))
      in.fail("agent", "unknown agent '" + x.agent + "' (known: "
                         + rafiki::baseline_names() + ")");
  }
  spec.controller_settings = std::move(x);
}

stage_keys write(const stage_spec& spec) {
  const auto& x = rafiki_settings_of(spec);
  auto list = [](const auto& values, auto&& show) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i)
      out += (i == 0 ? "" : ", ") + show(values[i]);
    return out + "]";
  };
  auto number = [](double v) { return fmt::format("{}", v); };
  return {
    {"models", list(x.models, toml_quoted)},
    {"batch_sizes",
     list(x.batch_sizes, [](uint32_t b) { return std::to_string(b); })},
    x.accuracy_csv.empty()
      ? stage_keys::value_type{"accuracy", list(x.accuracy, number)}
      : stage_keys::value_type{"accuracy_csv", toml_quoted(x.accuracy_csv)},
    {"mode", toml_quoted(x.environment.sync ? "sync" : "async")},
    {"beta", number(x.environment.beta)},
    {"max_latency_s", number(x.environment.max_latency_s)},
    {"tau_times", number(x.environment.tau_times)},
    {"agent", toml_quoted(x.agent)},
  };
}

} // namespace

controller_kind rafiki_controller_kind() {
  controller_kind k;
  k.name = "rafiki";
  k.keys = {"models", "batch_sizes", "accuracy", "accuracy_csv", "mode",
            "beta",   "max_latency_s", "tau_times", "agent"};
  k.load = load;
  k.problem = rafiki_problem;
  k.write = write;
  k.spawn = [](const controller_spawn_context& ctx) {
    return spawn_rafiki_controller(
      ctx, rafiki::make_baseline(rafiki_settings_of(ctx.spec).agent,
                                 ctx.seed));
  };
  return k;
}

} // namespace troupe
