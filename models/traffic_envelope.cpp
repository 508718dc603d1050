#include "models/traffic_envelope.hpp"

#include <chrono>
#include <cmath>

#include "models/durations.hpp"

namespace troupe {

double traffic_envelope::max_arrivals(double window_s) const {
  for (const auto& p : points)
    if (p.window_s >= window_s)
      return double(p.max_arrivals);
  if (points.empty())
    return 0;
  const auto& last = points.back();
  if (whole_sample)
    return double(last.max_arrivals);
  return std::ceil(window_s / last.window_s) * double(last.max_arrivals);
}

traffic_envelope measure_envelope(const arrival_times& arrivals,
                                  double shortest_s, double longest_s,
                                  double growth) {
  traffic_envelope result;
  for (double w = shortest_s; w <= longest_s * (1 + 1e-9); w *= growth) {
    auto window = from_seconds(w);
    // Closed windows [arrivals[first], arrivals[first] + w): every maximal
    // window can be shifted to start at an arrival.
    uint64_t best = 0;
    size_t last = 0;
    for (size_t first = 0; first < arrivals.size(); ++first) {
      if (last < first)
        last = first;
      while (last < arrivals.size() && arrivals[last] - arrivals[first] < window)
        ++last;
      best = std::max<uint64_t>(best, last - first);
    }
    result.points.push_back(envelope_point{w, best});
    if (!arrivals.empty() && arrivals.back() - arrivals.front() < window) {
      result.whole_sample = true;
      break;
    }
  }
  return result;
}

} // namespace troupe
