// The `model` stage kind: replicas whose service time comes from the
// profile of a model of the scenario's [[models]] on the stage's hardware.

#include <algorithm>

#include "actors/replica.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

void load_model_keys(const stage_reader& in, stage_spec& s) {
  const auto& models = in.context().models;
  s.model = in.text("model");
  auto model = std::find_if(models.begin(), models.end(),
                            [&](const model_spec& m) {
                              return m.name == s.model;
                            });
  if (model == models.end())
    in.fail("model", "unknown model '" + s.model + "' (known: "
                       + quoted_names(models,
                                      [](const model_spec& m) {
                                        return m.name;
                                      })
                       + ")");
  s.hardware = in.text("hardware");
  s.service = model->on(s.hardware);
  if (!s.service)
    in.fail("hardware", "model '" + s.model + "' has no profile for hardware '"
                          + s.hardware + "' (profiled: "
                          + quoted_names(model->profiles,
                                         [](const auto& p) {
                                           return p->hardware;
                                         })
                          + ")");
}

} // namespace

stage_kind model_stage_kind() {
  stage_kind k;
  k.name = "model";
  k.keys = {"model", "hardware"};
  k.load = load_model_keys;
  k.write = [](const stage_spec& s) {
    return stage_keys{{"model", toml_quoted(s.model)},
                      {"hardware", toml_quoted(s.hardware)}};
  };
  k.replica = [](const stage_spawn_context& ctx, uint16_t index) {
    return replica_launch{replica_base_options(ctx, index)};
  };
  return k;
}

} // namespace troupe
