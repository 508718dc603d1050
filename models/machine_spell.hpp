#pragma once

// A machine's spells in virtual time. On a shared machine a forward pass,
// a thread's wake-up and a timer's lateness are not independent draws: when
// one is slow, those around it in time are slow too (another tenant, a
// hypervisor's pause, the caches). In serving runs of the small CNN, a
// pass's time and its own batch's hand-offs had rank correlations of 0.3 to
// 0.5, and two passes under 1 ms apart 0.45, decaying to 0.1 at 50 ms.
// Independent draws put no slow pass behind a slow hand-off, and a virtual
// run's tail came out shorter than a real one's at low load. A spell is a
// random function of time, N(0, 1) at every moment and correlated by
// exp(-gap / duration) between two moments, that every draw of the run
// shares: a draw's normal score is sqrt(share) * spell(t) +
// sqrt(1 - share) * its own, so each draw keeps its distribution and draws
// close in time share `share` of their variance.
//
// The spell is an Ornstein-Uhlenbeck path on a grid of duration / 16 (the
// value of the grid point at or before t), walked from time zero with a
// generator seeded by the run's seed: every replica and the client walk the
// same path, so a run is the same however its events interleave. Each walk
// moves forward with its draws (virtual time does not go back; a query
// before the last one walks again from zero).

#include <cstdint>
#include <random>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

namespace troupe {

/// A machine's spells as a profile holds them: `share` of each draw's
/// variance (in [0, 1); 0: not modelled), correlated over `duration`.
struct spell_time {
  double share = 0;
  caf::timespan duration{0};

  bool modelled() const {
    return share > 0;
  }
};

inline bool operator==(const spell_time& x, const spell_time& y) {
  return x.share == y.share && x.duration == y.duration;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, spell_time& x) {
  return f(caf::meta::type_name("spell_time"), x.share, x.duration);
}

/// Of two spells on one machine, the one with the larger share.
inline spell_time stronger(const spell_time& x, const spell_time& y) {
  return y.share > x.share ? y : x;
}

class machine_spell {
public:
  /// No spell: every draw its own.
  machine_spell() = default;

  /// The run's spell from its seed (every draw of the run shares it).
  /// Precondition: 0 <= time.share < 1, and time.duration > 0 if share > 0.
  machine_spell(uint64_t seed, spell_time time);

  bool modelled() const {
    return share_ > 0;
  }

  /// The share of a draw's variance the moment sets.
  double share() const {
    return share_;
  }

  /// The spell's normal score at time t (t >= 0).
  double at(caf::timespan t);

private:
  double share_ = 0;
  uint64_t seed_ = 0;
  /// The grid's step and the correlation from one point to the next.
  caf::timespan step_{0};
  double carry_ = 0;
  /// The walk: at grid point `index_`, its value, and its generator.
  int64_t index_ = 0;
  double value_ = 0;
  std::mt19937_64 random_;
  std::normal_distribution<double> normal_;

  void restart();
};

} // namespace troupe
