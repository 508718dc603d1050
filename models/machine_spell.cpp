#include "models/machine_spell.hpp"

#include <cmath>
#include <random>

namespace troupe {

namespace {

/// Enough features that their sum is close to normal at every moment.
constexpr size_t features = 64;

constexpr double pi = 3.14159265358979323846;

} // namespace

machine_spell::machine_spell(uint64_t seed, spell_time time)
  : share_(time.share) {
  if (!time.modelled())
    return;
  auto duration = time.duration;
  std::mt19937_64 random{seed};
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  auto rate = 1.0 / static_cast<double>(duration.count());
  frequencies_.reserve(features);
  phases_.reserve(features);
  for (size_t i = 0; i < features; ++i) {
    frequencies_.push_back(rate * std::tan(pi * (unit(random) - 0.5)));
    phases_.push_back(2 * pi * unit(random));
  }
}

double machine_spell::at(caf::timespan t) const {
  if (frequencies_.empty())
    return 0;
  auto ns = static_cast<double>(t.count());
  double sum = 0;
  for (size_t i = 0; i < frequencies_.size(); ++i)
    sum += std::cos(std::fmod(frequencies_[i] * ns, 2 * pi) + phases_[i]);
  return sum * std::sqrt(2.0 / static_cast<double>(frequencies_.size()));
}

} // namespace troupe
