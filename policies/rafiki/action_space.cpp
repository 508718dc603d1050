#include "policies/rafiki/action_space.hpp"

namespace troupe::rafiki {

action_space::action_space(size_t models, size_t batch_sizes)
  : models_(models), batch_sizes_(batch_sizes) {
  // nop
}

action action_space::decode(size_t index) const {
  action a;
  a.batch_index = static_cast<uint32_t>(index % batch_sizes_);
  a.mask = static_cast<uint32_t>(index / batch_sizes_ + 1);
  return a;
}

size_t action_space::encode(const action& a) const {
  return (size_t{a.mask} - 1) * batch_sizes_ + a.batch_index;
}

std::vector<size_t> action_space::models_of(uint32_t mask) const {
  std::vector<size_t> result;
  for (size_t m = 0; m < models_; ++m)
    if ((mask >> (models_ - 1 - m)) & 1)
      result.push_back(m);
  return result;
}

uint32_t action_space::mask_of(const std::vector<size_t>& models) const {
  uint32_t mask = 0;
  for (auto m : models)
    mask |= uint32_t{1} << (models_ - 1 - m);
  return mask;
}

} // namespace troupe::rafiki
