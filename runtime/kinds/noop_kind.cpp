// The `noop` stage kind: replicas that forward a batch at once (no
// profile), so that a pipeline of them measures the runtime itself.

#include "actors/replica.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

stage_kind noop_stage_kind() {
  stage_kind k;
  k.name = "noop";
  k.replica = [](const stage_spawn_context& ctx, uint16_t index) {
    return replica_launch{replica_base_options(ctx, index)};
  };
  return k;
}

} // namespace troupe
