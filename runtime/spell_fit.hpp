#pragma once

// A profile's machine spell (models/machine_spell.hpp), measured in the
// serving run that measures the hand-off (runtime/handoff_probe.hpp): how
// much two forward passes' times have in common, by how far apart in time
// they ran. Each pass is ranked among the passes of its wait group (a pass
// after a longer idle wait is slower for its own reason: the idle curve's),
// the pairs of passes are binned by the time between their starts (bins
// doubling from the median time between two passes), each bin's rank
// correlation is taken to the normal scores' (r = 2 sin(pi rho / 6)), and
// r = share * exp(-gap / duration) is fitted to the bins' logarithms by
// weighted least squares.

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/idle_curve.hpp"

namespace troupe {

/// One pass: its start (ms since any fixed time), its time, and the group
/// of passes it is ranked among.
struct timed_pass {
  double start_ms = 0;
  double ms = 0;
  uint32_t group = 0;
};

struct spell_estimate {
  /// The share of a pass's variance the moment sets, in (0, 0.9].
  double share = 0;
  /// The time over which two moments' correlation falls by a factor e.
  double duration_ms = 0;
};

/// The fewest pairs a bin is read from.
constexpr size_t min_bin_pairs = 30;

/// The spell, or nothing when fewer than two bins of at least 30 pairs have
/// a correlation beyond noise (three standard errors, and at least 0.02:
/// nothing in common to model), or when the fit does not fall with the
/// gap. The duration is at most 10 s and at least the first bin's width.
std::optional<spell_estimate> fit_spell(const std::vector<timed_pass>& passes);

/// The spell from a serving run's passes (runtime/handoff_probe.hpp): those
/// sent ahead ranked among themselves, those that waited in four groups by
/// their wait.
std::optional<spell_estimate>
spell_from(const std::vector<served_pass>& passes);

} // namespace troupe
