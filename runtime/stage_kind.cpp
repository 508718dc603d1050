#include "runtime/stage_kind.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "runtime/scenario.hpp"

namespace troupe {

namespace {

/// The kinds troupe ships with; add a line here for a new built-in kind.
std::vector<stage_kind> builtin_stage_kinds() {
  return {model_stage_kind(), noop_stage_kind(), join_stage_kind()};
}

struct registry {
  std::mutex mtx;
  /// Nodes of a map stay put: pointers handed out remain valid.
  std::map<std::string, stage_kind> kinds;
  /// Registration order, for stage_kind_names().
  std::vector<std::string> order;

  void add(stage_kind kind) {
    if (kind.name.empty())
      throw std::invalid_argument("a stage kind needs a name");
    if (kind.replicated ? !kind.spawn_replica : !kind.spawn_stage)
      throw std::invalid_argument("stage kind '" + kind.name
                                  + "' has no spawn function");
    std::lock_guard<std::mutex> guard{mtx};
    auto name = kind.name;
    if (!kinds.emplace(name, std::move(kind)).second)
      throw std::invalid_argument("stage kind '" + name
                                  + "' is registered twice");
    order.push_back(name);
  }
};

registry& kinds() {
  static registry* instance = [] {
    auto result = new registry; // never destroyed: used until exit
    for (auto& kind : builtin_stage_kinds())
      result->add(std::move(kind));
    return result;
  }();
  return *instance;
}

} // namespace

void register_stage_kind(stage_kind kind) {
  kinds().add(std::move(kind));
}

const stage_kind* find_stage_kind(const std::string& name) {
  auto& r = kinds();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto it = r.kinds.find(name);
  return it == r.kinds.end() ? nullptr : &it->second;
}

const stage_kind& kind_of(const stage_spec& spec) {
  if (auto kind = find_stage_kind(spec.kind))
    return *kind;
  throw std::logic_error("stage '" + spec.name + "' has the unregistered kind '"
                         + spec.kind + "'");
}

std::string stage_kind_names() {
  auto& r = kinds();
  std::lock_guard<std::mutex> guard{r.mtx};
  std::string result;
  for (const auto& name : r.order)
    result += (result.empty() ? "" : ", ") + name;
  return result;
}

} // namespace troupe
