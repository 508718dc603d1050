// The `join` stage kind: one actor that forwards a request once every input
// delivered it (no model, no cost).

#include "actors/join.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

stage_kind join_stage_kind() {
  stage_kind k;
  k.name = "join";
  k.replicated = false;
  k.spawn_stage = [](const stage_spawn_context& ctx) -> stage_input_actor {
    return ctx.sys.spawn(join, join_options{ctx.id, ctx.spec.inputs.size()},
                         ctx.successors);
  };
  return k;
}

} // namespace troupe
