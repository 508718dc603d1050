#include "runtime/rafiki_setup.hpp"

#include <algorithm>
#include <any>
#include <stdexcept>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "policies/rafiki/step_rules.hpp"
#include "runtime/ensemble_accuracy.hpp"

namespace troupe {

namespace {

/// Index of stage `name` among the consumers of `id`, if it is one.
std::optional<size_t> consumer_index(const scenario& sc, stage_id id,
                                     const std::string& name) {
  auto consumers = sc.consumers(id);
  for (size_t i = 0; i < consumers.size(); ++i)
    if (sc.stages[consumers[i]].name == name)
      return i;
  return std::nullopt;
}

const stage_spec* stage_named(const scenario& sc, const std::string& name) {
  for (const auto& s : sc.stages)
    if (s.name == name)
      return &s;
  return nullptr;
}

} // namespace

rafiki::tables rafiki_tables(const scenario& sc, const rafiki_settings& x) {
  rafiki::tables t;
  t.batch_sizes = x.batch_sizes;
  t.accuracy = x.accuracy;
  if (!x.accuracy_csv.empty()) {
    std::vector<std::string> models;
    for (const auto& name : x.models) {
      const auto* stage = stage_named(sc, name);
      models.push_back(stage ? stage->model : name);
    }
    t.accuracy = read_subset_accuracy(x.accuracy_csv, models);
  }
  for (const auto& name : x.models) {
    std::vector<double> row;
    const auto* stage = stage_named(sc, name);
    for (auto b : x.batch_sizes)
      row.push_back(stage && stage->service
                      ? to_seconds(stage->service->service_time(b))
                      : 0.0);
    t.latency_s.push_back(std::move(row));
  }
  return t;
}

const rafiki_settings& rafiki_settings_of(const stage_spec& spec) {
  static const rafiki_settings defaults;
  const auto* x = std::any_cast<rafiki_settings>(&spec.controller_settings);
  return x ? *x : defaults;
}

stage_id rafiki_stage(const scenario& sc) {
  for (size_t i = 0; i < sc.stages.size(); ++i)
    if (sc.stages[i].controller == "rafiki")
      return static_cast<stage_id>(i);
  throw std::invalid_argument(sc.file + ": no stage has controller = "
                                        "\"rafiki\"");
}

std::string rafiki_problem(const scenario& sc, stage_id id) {
  const auto& spec = sc.stages[id];
  const auto& x = rafiki_settings_of(spec);
  if (x.models.empty())
    return "needs `models`: the stages this one feeds, model 0 first";
  auto consumers = sc.consumers(id);
  for (const auto& name : x.models) {
    if (std::count(x.models.begin(), x.models.end(), name) > 1)
      return fmt::format("models: '{}' is listed twice", name);
    if (!consumer_index(sc, id, name))
      return fmt::format("models: '{}' is not a stage fed by '{}'", name,
                         spec.name);
    const auto& model = *stage_named(sc, name);
    if (!model.service)
      return fmt::format("models: stage '{}' has no profile", name);
    if (model.batching != batching_kind::upstream || model.replicas != 1)
      return fmt::format("models: stage '{}' must serve the batches it is "
                         "sent, in order: replicas = 1 and batching = "
                         "\"upstream\"",
                         name);
    if (!x.batch_sizes.empty() && model.max_batch < x.batch_sizes.back())
      return fmt::format("models: stage '{}' has max_batch {}, below the "
                         "largest batch size {}",
                         name, model.max_batch, x.batch_sizes.back());
  }
  if (consumers.size() != x.models.size())
    return fmt::format("models: every stage fed by '{}' must be listed ({} "
                       "listed, {} fed)",
                       spec.name, x.models.size(), consumers.size());
  if (!x.batch_sizes.empty() && spec.max_batch < x.batch_sizes.back())
    return fmt::format("stage '{}' has max_batch {}, below the largest "
                       "batch size {}",
                       spec.name, spec.max_batch, x.batch_sizes.back());
  try {
    if (auto why = rafiki_tables(sc, x).problem(); !why.empty())
      return why;
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::optional<bool> parse_rafiki_mode(const std::string& text) {
  if (text == "sync")
    return true;
  if (text == "async")
    return false;
  return std::nullopt;
}

std::string rafiki_bound::problem(double value) const {
  if (value >= low && value <= high)
    return "";
  return fmt::format("must be from {} to {}, got {}", low, high, value);
}

controller_actor
spawn_rafiki_controller(const controller_spawn_context& ctx,
                        std::shared_ptr<rafiki::agent> agent,
                        std::function<void(const rafiki::step_record&)>
                          on_step) {
  const auto& x = rafiki_settings_of(ctx.spec);
  rafiki_controller_options options;
  options.models = rafiki_tables(ctx.sc, x);
  options.environment = x.environment;
  if (ctx.clock == clock_kind::real_time)
    options.environment.late_ns = static_cast<int64_t>(
      rafiki::wait_tick_s / 2 * 1e9);
  for (const auto& name : x.models)
    options.model_routes.push_back(
      uint64_t{1} << *consumer_index(ctx.sc, ctx.id, name));
  options.agent = std::move(agent);
  options.on_step = std::move(on_step);
  return ctx.sys.spawn(rafiki_controller, std::move(options));
}

} // namespace troupe
