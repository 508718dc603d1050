#include "models/machine_spell.hpp"

#include <algorithm>
#include <cmath>

namespace troupe {

namespace {

/// Grid points per duration: fine enough that a moment's correlation with
/// another is the exponential's to a few percent.
constexpr int64_t points_per_duration = 16;

} // namespace

machine_spell::machine_spell(uint64_t seed, spell_time time)
  : share_(time.share), seed_(seed) {
  if (!time.modelled())
    return;
  step_ = std::max(caf::timespan{1}, time.duration / points_per_duration);
  carry_ = std::exp(-static_cast<double>(step_.count())
                    / static_cast<double>(time.duration.count()));
  restart();
}

void machine_spell::restart() {
  random_.seed(seed_);
  normal_.reset();
  index_ = 0;
  value_ = normal_(random_);
}

double machine_spell::at(caf::timespan t) {
  if (!modelled())
    return 0;
  auto index = std::max(int64_t{0}, static_cast<int64_t>(t / step_));
  if (index < index_)
    restart();
  // value(k + 1) = carry value(k) + sqrt(1 - carry^2) N: N(0, 1) at every
  // point, correlation carry^k between points k apart.
  auto fresh = std::sqrt(1 - carry_ * carry_);
  for (; index_ < index; ++index_)
    value_ = carry_ * value_ + fresh * normal_(random_);
  return value_;
}

} // namespace troupe
