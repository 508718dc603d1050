#pragma once

// A traffic envelope (InferLine's tuner, network calculus): for windows of
// length w_0, 2 w_0, 4 w_0, ... up to a longest window, the largest number of
// arrivals that any interval of that length holds. It bounds the workload's
// burstiness at every time scale: arrivals(t, t + w) <= max_arrivals(w).

#include <cstdint>
#include <vector>

#include "models/arrival.hpp"

namespace troupe {

struct envelope_point {
  double window_s = 0;
  /// The most arrivals in any window of this length.
  uint64_t max_arrivals = 0;

  /// max_arrivals / window_s: the peak rate at this time scale.
  double rate_qps() const {
    return double(max_arrivals) / window_s;
  }
};

struct traffic_envelope {
  /// By increasing window length, each `growth` times the one before.
  std::vector<envelope_point> points;
  /// The longest window spans all arrivals: no window holds more.
  bool whole_sample = false;

  /// The bound for a window of w seconds: the smallest point whose window is
  /// at least w (the envelope is non-decreasing in w); beyond the longest
  /// window W, all arrivals for a whole sample, else the subadditive
  /// extension ceil(w / W) * max(W).
  double max_arrivals(double window_s) const;
};

/// The envelope of sorted arrival times over windows from `shortest_s`,
/// each `growth` times longer, up to `longest_s` (InferLine's tuner: from
/// the service time, doubling, up to 60 s). Two pointers over the arrivals
/// per window: O(points x arrivals).
traffic_envelope measure_envelope(const arrival_times& arrivals,
                                  double shortest_s, double longest_s = 60,
                                  double growth = 2);

} // namespace troupe
