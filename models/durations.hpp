#pragma once

// Conversions between caf::timespan (integer nanoseconds, the runtime's
// time) and the milliseconds and seconds of scenario files, policies and
// reports. From double, the result is truncated to the nanosecond, as
// std::chrono::duration_cast does.

#include <chrono>

#include <caf/timespan.hpp>

namespace troupe {

/// The longest duration a scenario may state (ten years): the clock holds
/// about 292 years, so sums of a few such durations and the run's epoch
/// stay in range.
constexpr caf::timespan max_scenario_duration
  = std::chrono::hours(24 * 365 * 10);

inline double to_ms(caf::timespan x) {
  return std::chrono::duration<double, std::milli>(x).count();
}

inline double to_seconds(caf::timespan x) {
  return std::chrono::duration<double>(x).count();
}

// Rounded to the nearest nanosecond: 0.045 ms is 45,000 ns, not the 44,999
// that truncating its binary value gives (a file's decimal then reads back
// as written).
inline caf::timespan from_ms(double ms) {
  return std::chrono::round<caf::timespan>(
    std::chrono::duration<double, std::milli>{ms});
}

inline caf::timespan from_seconds(double s) {
  return std::chrono::round<caf::timespan>(std::chrono::duration<double>{s});
}

} // namespace troupe
