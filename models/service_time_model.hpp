#pragma once

// How long a profiled batch takes. Seed 002 and InferLine's planner model a
// batch of b by its mean, b / throughput(b): every batch of a size takes the
// same time. A served model does not: its forward passes vary (caches, other
// threads, the machine), and an occasional slow one queues the requests
// behind it, which is where a real run's tail latency comes from. The
// lognormal model draws each batch's time from a lognormal distribution
// whose mean is the profile's mean and whose 99th percentile is the
// profile's p99 at that batch size, with a seeded generator: virtual runs
// stay deterministic. The runtime's hand-offs between threads are drawn the
// same way. Where the profile measured the machine's spells
// (models/machine_spell.hpp), draws close in time share part of their
// normal score, each keeping its distribution; where it measured the
// machine's stalls (models/machine_stalls.hpp), work on the draws' core
// waits out those it meets.

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include <caf/timespan.hpp>

#include "models/machine_spell.hpp"
#include "models/machine_stalls.hpp"
#include "models/wake_stalls.hpp"
#include "models/profile.hpp"

namespace troupe {

enum class service_time_kind : uint8_t { mean, lognormal };

std::string to_string(service_time_kind x);

/// "mean" or "lognormal"; nullopt for anything else.
std::optional<service_time_kind> parse_service_time_kind(const std::string& x);

/// The sigma of a lognormal distribution with mean `mean` and 99th
/// percentile `p99` (the smaller of the two solutions). 0 when p99 <= mean
/// (no spread to model); capped where the ratio p99 / mean exceeds what a
/// lognormal can have (about 15).
double lognormal_sigma(double mean, double p99);

/// One replica's service times: a value, so that it travels in the
/// replica's spawn options.
struct service_time_spec {
  service_time_kind kind = service_time_kind::mean;
  /// Seeds the replica's draws (the scenario's seed, stage and replica).
  uint64_t seed = 0;
  /// The machine's spells (lognormal draws only), and the seed of the
  /// run's spell: the same for every draw of a run (the scheduler's stalls
  /// walk from it too).
  spell_time spell{};
  uint64_t spell_seed = 0;
  /// The machine's stalls (lognormal draws only): `stalls` on a core of
  /// the draws' own (its path seeded by `seed`), `scheduler_stalls` on the
  /// scheduler's, which every replica and the client share (seeded by
  /// `spell_seed`; the run's, runtime/stage_kind.cpp).
  stall_time stalls{};
  stall_time scheduler_stalls{};
};

inline bool operator==(const service_time_spec& x,
                       const service_time_spec& y) {
  return x.kind == y.kind && x.seed == y.seed && x.spell == y.spell
         && x.spell_seed == y.spell_seed && x.stalls == y.stalls
         && x.scheduler_stalls == y.scheduler_stalls;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_time_spec& x) {
  return f(caf::meta::type_name("service_time_spec"), x.kind, x.seed,
           x.spell, x.spell_seed, x.stalls, x.scheduler_stalls);
}

/// Draws the service times of one replica's batches.
class service_time_model {
public:
  explicit service_time_model(service_time_spec spec = {});

  /// The time to serve a batch of `b` on `p` after an idle wait of `idle`
  /// (0: right after another batch), by the profile's idle rows and idle
  /// curve, and its switch rows where the batch before (the last one this
  /// model drew for) had another size (precondition: 1 <= b <=
  /// p.max_batch()).
  caf::timespan operator()(const profile& p, uint32_t b,
                           caf::timespan idle = caf::timespan{0});

  /// One hand-off of `h`: its median, or with the lognormal model and a
  /// measured p99, a draw from the lognormal distribution with that median
  /// and 99th percentile (from the same generator as the service times).
  caf::timespan handoff(const handoff_time& h);

  /// The stall a wake-up after `wait` meets (models/wake_stalls.hpp):
  /// with the lognormal model, drawn from the same generator as the
  /// service times; else none.
  caf::timespan wake_stall(const wake_stalls& x, caf::timespan wait);

  /// The draws that follow happen at time `t` (the machine's spell then).
  void at(caf::timespan t) {
    moment_ = t;
  }

  /// The wall time that `work` takes from `start` on the draws' own core
  /// (a replica's thread): `work` itself, or with the lognormal model and
  /// measured stalls, that and every stall it meets, of a share `met` of
  /// them (models/recent_sleep.hpp). Starts must not go back in time (an
  /// earlier one walks the stalls again from zero).
  caf::timespan on_own_core(caf::timespan start, caf::timespan work,
                            double met = 1) {
    return own_stalls_.stretch(start, work, met);
  }

  /// Whether work on the draws' own core meets stalls at all.
  bool own_core_stalls() const {
    return own_stalls_.modelled();
  }

  /// Likewise on the scheduler's core, whose stalls every replica and the
  /// client of a run meet alike (the client's timer, the sink's
  /// wake-up).
  caf::timespan on_scheduler(caf::timespan start, caf::timespan work) {
    return scheduler_stalls_.stretch(start, work);
  }

private:
  /// A normal score: the spell's at the moment, and this draw's own.
  double normal();

  service_time_kind kind_;
  /// The size of the batch drawn for last; 0 before the first.
  uint32_t last_size_ = 0;
  std::mt19937_64 random_;
  std::normal_distribution<double> normal_;
  machine_spell spell_;
  machine_stalls own_stalls_;
  machine_stalls scheduler_stalls_;
  /// When the next draws happen (`at`).
  caf::timespan moment_{0};
};

} // namespace troupe
