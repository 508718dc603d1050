#include "runtime/controller_kind.hpp"

#include <stdexcept>

#include "runtime/named_registry.hpp"

namespace troupe {

namespace {

named_registry<controller_kind>& controllers() {
  // Never destroyed: used until exit.
  static auto* instance = [] {
    auto result = new named_registry<controller_kind>{"controller kind"};
    auto rafiki = rafiki_controller_kind();
    auto name = rafiki.name;
    result->add(name, std::move(rafiki));
    return result;
  }();
  return *instance;
}

} // namespace

void register_controller_kind(controller_kind kind) {
  if (!kind.spawn)
    throw std::invalid_argument("controller kind '" + kind.name
                                + "' has no spawn function");
  auto name = kind.name;
  controllers().add(name, std::move(kind));
}

const controller_kind* find_controller_kind(const std::string& name) {
  return controllers().find(name);
}

std::string controller_kind_names() {
  auto result = controllers().names();
  return result.empty() ? "none registered" : result;
}

} // namespace troupe
