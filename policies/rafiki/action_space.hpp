#pragma once

// Rafiki's discrete actions (seed 000): one index per (non-empty subset of
// the M models, batch size), (2^M - 1) x B of them. Index a holds the batch
// size's index in its low part (a % B) and the subset in its high part
// (a / B): the subset's mask is a / B + 1, read as M bits with model 0 the
// most significant. With the seed's B = 4 that is its bit layout: batch =
// a & 3, model part = a >> 2.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace troupe::rafiki {

struct action {
  /// Bit (M - 1 - m) set when model m runs; never 0.
  uint32_t mask = 1;
  /// Index into the tables' batch sizes.
  uint32_t batch_index = 0;
};

inline bool operator==(const action& x, const action& y) {
  return x.mask == y.mask && x.batch_index == y.batch_index;
}

class action_space {
public:
  /// Precondition: 1 <= models <= 16, batch_sizes >= 1.
  action_space(size_t models, size_t batch_sizes);

  size_t size() const {
    return ((size_t{1} << models_) - 1) * batch_sizes_;
  }

  /// Precondition: index < size().
  action decode(size_t index) const;

  /// Precondition: a valid action of this space.
  size_t encode(const action& a) const;

  /// The models a mask runs, ascending.
  std::vector<size_t> models_of(uint32_t mask) const;

  /// The mask running exactly `models`.
  uint32_t mask_of(const std::vector<size_t>& models) const;

private:
  size_t models_;
  size_t batch_sizes_;
};

} // namespace troupe::rafiki
