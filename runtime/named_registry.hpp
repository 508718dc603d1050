#pragma once

// Entries by name, for the registries of stage kinds and controllers. Safe
// to use from several threads; an entry's address stays valid (map nodes do
// not move), so a registry may hand out pointers.

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace troupe {

template <class T>
class named_registry {
public:
  /// `what` names an entry in errors, e.g. "stage kind".
  explicit named_registry(std::string what) : what_(std::move(what)) {
    // nop
  }

  /// Adds `x` as `name`; throws std::invalid_argument if the name is empty
  /// or taken.
  void add(const std::string& name, T x) {
    if (name.empty())
      throw std::invalid_argument("a " + what_ + " needs a name");
    std::lock_guard<std::mutex> guard{mtx_};
    if (!entries_.emplace(name, std::move(x)).second)
      throw std::invalid_argument(what_ + " '" + name
                                  + "' is registered twice");
    order_.push_back(name);
  }

  /// The entry called `name`, or null.
  const T* find(const std::string& name) const {
    std::lock_guard<std::mutex> guard{mtx_};
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }

  /// The names in registration order, comma-separated.
  std::string names() const {
    std::lock_guard<std::mutex> guard{mtx_};
    std::string result;
    for (const auto& name : order_)
      result += (result.empty() ? "" : ", ") + name;
    return result;
  }

private:
  std::string what_;
  mutable std::mutex mtx_;
  std::map<std::string, T> entries_;
  std::vector<std::string> order_;
};

} // namespace troupe
