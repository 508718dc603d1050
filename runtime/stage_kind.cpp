#include "runtime/stage_kind.hpp"

#include <stdexcept>

#include "runtime/named_registry.hpp"
#include "runtime/scenario.hpp"

namespace troupe {

namespace {

/// Adds a kind that has a spawn function of its shape.
void add_checked(named_registry<stage_kind>& r, stage_kind kind) {
  if (kind.replicated ? !kind.spawn_replica : !kind.spawn_stage)
    throw std::invalid_argument("stage kind '" + kind.name
                                + "' has no spawn function");
  auto name = kind.name;
  r.add(name, std::move(kind));
}

/// The kinds troupe ships with; add a line here for a new built-in kind.
std::vector<stage_kind> builtin_stage_kinds() {
  return {model_stage_kind(), noop_stage_kind(), join_stage_kind(),
          torch_stage_kind()};
}

named_registry<stage_kind>& kinds() {
  // Never destroyed: used until exit.
  static auto* instance = [] {
    auto result = new named_registry<stage_kind>{"stage kind"};
    for (auto& kind : builtin_stage_kinds())
      add_checked(*result, std::move(kind));
    return result;
  }();
  return *instance;
}

} // namespace

void register_stage_kind(stage_kind kind) {
  add_checked(kinds(), std::move(kind));
}

const stage_kind* find_stage_kind(const std::string& name) {
  return kinds().find(name);
}

const stage_kind& kind_of(const stage_spec& spec) {
  if (auto kind = find_stage_kind(spec.kind))
    return *kind;
  throw std::logic_error("stage '" + spec.name + "' has the unregistered kind '"
                         + spec.kind + "'");
}

std::string stage_kind_names() {
  return kinds().names();
}

} // namespace troupe
