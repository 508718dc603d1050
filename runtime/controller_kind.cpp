#include "runtime/controller_kind.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

namespace troupe {

namespace {

struct registry {
  std::mutex mtx;
  std::map<std::string, controller_kind> kinds;
};

registry& controllers() {
  static registry instance;
  return instance;
}

} // namespace

void register_controller_kind(controller_kind kind) {
  if (kind.name.empty() || !kind.spawn)
    throw std::invalid_argument("a controller kind needs a name and a spawn "
                                "function");
  auto& r = controllers();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto name = kind.name;
  if (!r.kinds.emplace(name, std::move(kind)).second)
    throw std::invalid_argument("controller kind '" + name
                                + "' is registered twice");
}

const controller_kind* find_controller_kind(const std::string& name) {
  auto& r = controllers();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto it = r.kinds.find(name);
  return it == r.kinds.end() ? nullptr : &it->second;
}

std::string controller_kind_names() {
  auto& r = controllers();
  std::lock_guard<std::mutex> guard{r.mtx};
  std::string result;
  for (const auto& [name, kind] : r.kinds)
    result += (result.empty() ? "" : ", ") + name;
  return result.empty() ? "none registered" : result;
}

} // namespace troupe
