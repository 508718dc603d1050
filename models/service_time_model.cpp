#include "models/service_time_model.hpp"

#include <algorithm>
#include <cmath>

#include "models/durations.hpp"

namespace troupe {

namespace {

/// The standard normal distribution's 99th percentile.
constexpr double z99 = 2.3263478740408408;

} // namespace

std::string to_string(service_time_kind x) {
  return x == service_time_kind::lognormal ? "lognormal" : "mean";
}

std::optional<service_time_kind>
parse_service_time_kind(const std::string& x) {
  if (x == "mean")
    return service_time_kind::mean;
  if (x == "lognormal")
    return service_time_kind::lognormal;
  return std::nullopt;
}

double lognormal_sigma(double mean, double p99) {
  // mean = exp(mu + s^2 / 2) and p99 = exp(mu + z s), so
  // ln(p99 / mean) = z s - s^2 / 2, whose smaller root is
  // s = z - sqrt(z^2 - 2 ln(p99 / mean)); beyond z^2 / 2 there is no root,
  // and s = z gives the largest ratio a lognormal can have.
  if (!(p99 > mean) || !(mean > 0))
    return 0;
  auto log_ratio = std::log(p99 / mean);
  auto discriminant = z99 * z99 - 2 * log_ratio;
  return discriminant <= 0 ? z99 : z99 - std::sqrt(discriminant);
}

service_time_model::service_time_model(service_time_spec spec)
  : kind_(spec.kind),
    random_(spec.seed),
    spell_(spec.spell_seed, spec.spell) {
  // Paths of their own beside the draws' generator and the spell (the
  // constant is any odd 64-bit number that scatters the bits).
  constexpr uint64_t scatter = 0x9e3779b97f4a7c15ULL;
  if (kind_ == service_time_kind::lognormal) {
    own_stalls_ = machine_stalls{spec.seed ^ scatter, spec.stalls};
    scheduler_stalls_ = machine_stalls{spec.spell_seed ^ scatter,
                                       spec.scheduler_stalls};
  }
}

caf::timespan service_time_model::wake_stall(const wake_stalls& x,
                                             caf::timespan wait) {
  if (kind_ != service_time_kind::lognormal)
    return caf::timespan{0};
  return draw_wake_stall(x, wait, random_);
}

double service_time_model::normal() {
  auto own = normal_(random_);
  if (!spell_.modelled())
    return own;
  auto share = spell_.share();
  return std::sqrt(share) * spell_.at(moment_) + std::sqrt(1 - share) * own;
}

caf::timespan service_time_model::operator()(const profile& p, uint32_t b,
                                             caf::timespan idle) {
  auto mean = p.service_time_after(b, idle);
  auto p99_ms = p.p99_ms_after(b, idle);
  auto switched = last_size_ != 0 && last_size_ != b;
  last_size_ = b;
  if (switched) {
    // The clock holds the longest duration a scenario may state.
    mean = std::min(mean + p.switch_extra(b), max_scenario_duration);
    p99_ms += p.switch_extra_p99_ms(b);
  }
  if (kind_ == service_time_kind::mean)
    return mean;
  auto mean_ms = to_ms(mean);
  auto sigma = lognormal_sigma(mean_ms, p99_ms);
  if (sigma == 0)
    return mean;
  // exp(s N - s^2 / 2) has mean 1.
  // The clock holds any draw up to the longest duration a scenario may
  // state; beyond it (a few sigmas past an absurd profile) it is cut.
  auto factor = std::exp(sigma * normal() - sigma * sigma / 2);
  auto ms = std::min(mean_ms * factor, to_ms(max_scenario_duration));
  return from_ms(ms);
}

caf::timespan service_time_model::handoff(const handoff_time& h) {
  if (kind_ == service_time_kind::mean || h.p99 <= h.median
      || !h.modelled())
    return h.median;
  // median = exp(mu) and p99 = exp(mu + z s).
  auto median_ms = to_ms(h.median);
  auto sigma = std::log(to_ms(h.p99) / median_ms) / z99;
  auto ms = std::min(median_ms * std::exp(sigma * normal()),
                     to_ms(max_scenario_duration));
  return from_ms(ms);
}

} // namespace troupe
