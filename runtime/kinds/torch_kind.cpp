// The `torch` stage kind: replicas run repository models (TorchScript, see
// models/model_repository.hpp) on each batch and put the prediction on each
// request. Keys:
//   model = "cnn-small"            one model of the scenario's repository, or
//   models = ["mlp", "cnn-small"]  an ensemble: every replica runs each model
//                                  on the batch and combines their outputs
//   combine = "mean" | "vote"      how an ensemble combines (default mean)
//   hardware = "cpu"               optional: the [[models]] profiles (named as
//                                  the models) on this hardware give the
//                                  service time in virtual time, and make the
//                                  stage one that planners and scalers size
//
// In real time the replicas are detached actors (a forward pass blocks its
// thread) and their service time is the forward's own; in virtual time they
// run on the deterministic scheduler and complete after the profiled time.

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "actors/replica.hpp"
#include "models/input_error.hpp"
#include "models/model_repository.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

/// The model names of a stage, as its load function stored them.
std::vector<std::string> model_names(const stage_spec& s) {
  std::vector<std::string> names;
  std::istringstream in{s.settings.at("models")};
  for (std::string line; std::getline(in, line);)
    names.push_back(line);
  return names;
}

/// The stage's profile on `hardware`: its models' summed (a batch runs
/// every model of an ensemble in turn). Null, naming the first model in
/// `missing`, when one has no profile there.
std::shared_ptr<const profile> ensemble_on(const scenario& sc,
                                           const std::vector<std::string>& names,
                                           const std::string& hardware,
                                           std::string* missing = nullptr) {
  std::vector<profile> members;
  for (const auto& name : names) {
    auto spec = std::find_if(sc.models.begin(), sc.models.end(),
                             [&](const model_spec& x) { return x.name == name; });
    auto service = spec != sc.models.end() ? spec->on(hardware) : nullptr;
    if (!service) {
      if (missing)
        *missing = name;
      return nullptr;
    }
    members.push_back(*service);
  }
  return std::make_shared<const profile>(sequential_sum(members));
}

std::vector<std::string> read_names(const stage_reader& in) {
  if (in.has("model") == in.has("models"))
    in.fail(in.has("model") ? "models" : "model",
            "a torch stage names one `model` or an ensemble of `models`, "
            "not both");
  std::vector<std::string> names;
  if (in.has("model"))
    names.push_back(in.text("model"));
  else
    names = in.texts("models");
  auto key = in.has("model") ? "model" : "models";
  if (names.empty())
    in.fail(key, "an ensemble needs at least one model");
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty() || names[i].find('\n') != std::string::npos)
      in.fail(key, "a model name is one line, not empty");
    if (std::find(names.begin(), names.begin() + i, names[i])
        != names.begin() + i)
      in.fail(key, "model '" + names[i] + "' listed twice");
  }
  return names;
}

void load_torch_keys(const stage_reader& in, stage_spec& s) {
  const auto& sc = in.context();
  auto names = read_names(in);
  auto key = in.has("model") ? "model" : "models";
  std::vector<int64_t> shape;
  std::vector<std::string> labels;
  std::string joined;
  for (const auto& name : names) {
    repository_model m;
    try {
      m = find_model(sc.repository, name);
    } catch (const input_error& err) {
      in.fail(key, err.what());
    }
    if (shape.empty()) {
      shape = m.config.input_shape;
      labels = m.config.labels;
    } else if (m.config.input_shape != shape) {
      in.fail(key, "the models of an ensemble take inputs of one shape ('"
                     + name + "' differs from '" + names.front() + "')");
    } else if (m.config.labels != labels) {
      // Combining scores is only meaningful class by class.
      in.fail(key, "the models of an ensemble name the same labels in the "
                   "same order ('"
                     + name + "' differs from '" + names.front() + "')");
    }
    joined += (joined.empty() ? "" : "\n") + name;
  }
  s.settings["models"] = joined;
  s.model = names.size() == 1 ? names.front() : "ensemble";
  if (in.has("combine")) {
    auto text = in.text("combine");
    if (!parse_combine_kind(text))
      in.fail("combine",
              "unknown combining rule '" + text + "' (known: mean, vote)");
    s.settings["combine"] = text;
  }
  if (!in.has("hardware"))
    return;
  s.hardware = in.text("hardware");
  std::string missing;
  s.service = ensemble_on(sc, names, s.hardware, &missing);
  if (!s.service)
    in.fail("hardware", "no [[models]] profile of '" + missing + "' on '"
                          + s.hardware + "' (measure one with `troupe "
                                         "profile "
                          + missing + "`)");
}

void validate_torch_stage(const stage_reader& in, const stage_spec& s) {
  const auto& sc = in.context();
  // Without images every request would fail, each with the same error.
  if (!sc.inputs)
    in.fail("kind", "a torch stage classifies the images that requests "
                    "carry: add an [inputs] table (docs/scenario.md)");
  // Fashion-MNIST's images: 28 x 28 values.
  constexpr int64_t image_values = 28 * 28;
  for (const auto& name : model_names(s)) {
    auto m = find_model(sc.repository, name);
    auto values = m.config.input_size();
    if (values != image_values)
      in.fail(in.has("model") ? "model" : "models",
              fmt::format("model '{}' takes inputs of shape [{}] ({} values); "
                          "the [inputs] images have {} (28 x 28)",
                          name, fmt::join(m.config.input_shape, ", "), values,
                          image_values));
    if (s.max_batch > m.config.max_batch)
      in.fail("max_batch", std::to_string(s.max_batch)
                             + " is beyond model '" + name
                             + "''s max_batch " + std::to_string(m.config.max_batch)
                             + " (" + m.config_file() + ")");
  }
}

} // namespace

stage_kind torch_stage_kind() {
  stage_kind k;
  k.name = "torch";
  k.runs_repository_models = true;
  k.keys = {"model", "models", "combine", "hardware"};
  k.load = load_torch_keys;
  k.validate = validate_torch_stage;
  // Every hardware on which each of the stage's models has a profile.
  k.hardware_options = [](const scenario& sc, const stage_spec& s) {
    std::vector<std::shared_ptr<const profile>> options;
    auto names = model_names(s);
    for (const auto& m : sc.models)
      if (m.name == names.front())
        for (const auto& p : m.profiles)
          if (auto summed = ensemble_on(sc, names, p->hardware))
            options.push_back(summed);
    return options;
  };
  k.refuses = [](const stage_spec& s, clock_kind clock) -> std::string {
    if (clock == clock_kind::virtual_time && !s.service)
      return "stage '" + s.name
             + "' has no profile, and virtual time needs one for its service "
               "time: measure it with `troupe profile MODEL`, add the "
               "[[models]] table, and set the stage's `hardware`";
    return {};
  };
  k.write = [](const stage_spec& s) {
    stage_keys keys;
    auto names = model_names(s);
    if (names.size() == 1) {
      keys.emplace_back("model", toml_quoted(names.front()));
    } else {
      std::string list;
      for (const auto& name : names)
        list += (list.empty() ? "" : ", ") + toml_quoted(name);
      keys.emplace_back("models", "[" + list + "]");
    }
    if (auto it = s.settings.find("combine"); it != s.settings.end())
      keys.emplace_back("combine", toml_quoted(it->second));
    if (!s.hardware.empty())
      keys.emplace_back("hardware", toml_quoted(s.hardware));
    return keys;
  };
  k.replica = [](const stage_spawn_context& ctx, uint16_t index) {
    auto opts = replica_base_options(ctx, index);
    inference_spec inference;
    for (const auto& name : model_names(ctx.spec)) {
      auto m = find_model(ctx.sc.repository, name);
      inference.model_files.push_back(m.model_file());
      inference.input_shape = m.config.input_shape;
      inference.classes = static_cast<uint32_t>(m.config.labels.size());
    }
    if (auto it = ctx.spec.settings.find("combine");
        it != ctx.spec.settings.end())
      inference.combine = it->second;
    if (ctx.sc.inputs)
      inference.data_dir = ctx.sc.inputs->dir;
    inference.measured = ctx.clock == clock_kind::real_time;
    inference.threads = ctx.torch_threads;
    inference.cores = ctx.replica_cores;
    if (inference.measured)
      inference.warm_up_batch = ctx.spec.max_batch;
    opts.inference.push_back(std::move(inference));
    // A forward pass blocks its thread.
    return replica_launch{std::move(opts),
                          ctx.clock == clock_kind::real_time};
  };
  return k;
}

} // namespace troupe
