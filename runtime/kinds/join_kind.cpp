// The `join` stage kind: one actor that forwards a request once every input
// delivered it (no model, no cost), its inputs' outputs combined by its
// `combine` key: "mean" (the default) or "vote" (policies/combining).

#include "actors/join.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

stage_kind join_stage_kind() {
  stage_kind k;
  k.name = "join";
  k.replicated = false;
  k.keys = {"combine"};
  k.load = [](const stage_reader& in, stage_spec& s) {
    if (!in.has("combine"))
      return;
    auto text = in.text("combine");
    if (!parse_combine_kind(text))
      in.fail("combine",
              "unknown combining rule '" + text + "' (known: mean, vote)");
    s.settings["combine"] = text;
  };
  k.write = [](const stage_spec& s) {
    stage_keys keys;
    if (auto it = s.settings.find("combine"); it != s.settings.end())
      keys.emplace_back("combine", toml_quoted(it->second));
    return keys;
  };
  k.spawn_stage = [](const stage_spawn_context& ctx) -> stage_input_actor {
    join_options opts;
    opts.stage = ctx.id;
    opts.inputs = ctx.spec.inputs.size();
    if (auto it = ctx.spec.settings.find("combine");
        it != ctx.spec.settings.end())
      opts.combining = *parse_combine_kind(it->second);
    opts.successors = ctx.successors;
    return ctx.sys.spawn(join, std::move(opts));
  };
  return k;
}

} // namespace troupe
