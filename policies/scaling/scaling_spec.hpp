#pragma once

// A pipeline's scaling settings: the [scaling] table of a scenario.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

namespace troupe {

/// Who sizes the stages while the pipeline runs ([scaling] in a scenario).
enum class scaling_kind {
  /// The stages keep their replicas and batch sizes.
  none,
  /// Seed 004's rule on the predicted rate (policies/scaling/seed_rule).
  seed,
  /// InferLine's envelope tuner (policies/scaling/envelope_tuner).
  tuner,
  /// Hindsight: knows each interval's true arrivals, boots workers a cold
  /// start ahead and retires them without delay. The baseline a real policy
  /// is measured against.
  oracle,
};

inline const char* to_string(scaling_kind x) {
  switch (x) {
    case scaling_kind::seed:
      return "seed";
    case scaling_kind::tuner:
      return "tuner";
    case scaling_kind::oracle:
      return "oracle";
    default:
      return "none";
  }
}

/// Parses "none", "seed", "tuner" or "oracle".
inline std::optional<scaling_kind> parse_scaling_kind(const std::string& text) {
  for (auto x : {scaling_kind::none, scaling_kind::seed, scaling_kind::tuner,
                 scaling_kind::oracle})
    if (text == to_string(x))
      return x;
  return std::nullopt;
}

struct scaling_spec {
  scaling_kind policy = scaling_kind::none;
  /// How often the scaler measures and decides.
  caf::timespan interval = std::chrono::seconds(1);
  /// A booting worker serves this long after it was ordered.
  caf::timespan cold_start = std::chrono::seconds(3);
  /// A pool keeps the highest target of this last stretch of time.
  caf::timespan scale_down_delay = std::chrono::seconds(8);
  /// seed: workers on top of the need.
  uint32_t margin = 1;
  /// seed: per-batch overhead in b*'s condition.
  caf::timespan overhead = std::chrono::milliseconds(5);
  /// seed: measurements the rate regression fits.
  uint32_t history = 10;
  /// tuner: the longest envelope window.
  caf::timespan envelope = std::chrono::seconds(60);
  /// seed and oracle: capacity on top of the rate, as a factor (1 = exactly
  /// the rate).
  double headroom = 1;
  /// Worker slots per scaled stage.
  uint32_t max_workers = 32;
  /// Per worker and second, times the hardware's cost (seed 004's rates).
  double running_cost_per_s = 1e-3;
  double idle_cost_per_s = 0.3e-3;
};

inline bool operator==(const scaling_spec& x, const scaling_spec& y) {
  return x.policy == y.policy && x.interval == y.interval
         && x.cold_start == y.cold_start
         && x.scale_down_delay == y.scale_down_delay
         && x.margin == y.margin && x.overhead == y.overhead
         && x.history == y.history && x.envelope == y.envelope
         && x.headroom == y.headroom && x.max_workers == y.max_workers
         && x.running_cost_per_s == y.running_cost_per_s
         && x.idle_cost_per_s == y.idle_cost_per_s;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scaling_spec& x) {
  return f(caf::meta::type_name("scaling_spec"), x.policy, x.interval,
           x.cold_start, x.scale_down_delay, x.margin, x.overhead,
           x.history, x.envelope, x.headroom, x.max_workers,
           x.running_cost_per_s, x.idle_cost_per_s);
}

} // namespace troupe
