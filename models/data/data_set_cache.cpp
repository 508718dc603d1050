#include "models/data/data_set_cache.hpp"

#include <map>
#include <mutex>
#include <utility>

namespace troupe {

std::shared_ptr<const image_set> shared_fashion_mnist(const std::string& dir,
                                                      data_split split) {
  static std::mutex mtx;
  static std::map<std::pair<std::string, data_split>,
                  std::shared_ptr<const image_set>>
    loaded;
  std::lock_guard<std::mutex> guard{mtx};
  auto& entry = loaded[{dir, split}];
  if (!entry)
    entry = std::make_shared<const image_set>(load_fashion_mnist(dir, split));
  return entry;
}

} // namespace troupe
