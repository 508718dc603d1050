#pragma once

// Stalls a core meets when it wakes. On a shared host a virtual machine's
// idle core polls for a while (up to 200 us, KVM's halt polling) and then
// halts; the host may give the physical core to another tenant meanwhile,
// and the wake-up waits for it. In real runs of the small CNN (a busy
// Sunday, docs/sim-to-real-log.md "Stalls come at wake-ups"), a batch that
// reached a replica after a wait of more than 200 us met a stall of half a
// millisecond or more 1 to 9 times in a thousand, after a wait under 50 us
// about none; results woke the scheduler's core into a stall 2 to 10 times
// in a thousand after such waits. Stalls placed by time
// (models/machine_stalls.hpp) cannot make that: they fall on a busy core
// as often as on a sleeping one. So a wake-up after a wait of at least
// `wake_stall_after` stalls with the measured probability, for a duration
// drawn from the measured quantiles (linear between them; beyond the
// longest, a measured profile's tail).

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

namespace troupe {

/// The shortest wait after which a core counts as having slept past its
/// poll: KVM's longest halt poll by default (the profiles' fitted polls
/// were 150 to 200 us long). The fit and virtual time use the same.
constexpr caf::timespan wake_stall_after = std::chrono::microseconds{200};

/// How often a wake-up after `wake_stall_after` or more stalls (`share`,
/// 0 to 1) and for how long: n durations, sorted, with a tail beyond the
/// longest where `tail_index` is not 0, drawn as the stalls by time draw
/// theirs (models/machine_stalls.hpp: duration_at).
struct wake_stalls {
  double share = 0;
  std::vector<caf::timespan> durations;
  double tail_index = 0;

  bool modelled() const {
    return share > 0 && !durations.empty();
  }

  /// The stall time a wake-up adds on average, per wake-up past the poll.
  caf::timespan mean() const;
};

inline bool operator==(const wake_stalls& x, const wake_stalls& y) {
  return x.share == y.share && x.durations == y.durations
         && x.tail_index == y.tail_index;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wake_stalls& x) {
  return f(caf::meta::type_name("wake_stalls"), x.share, x.durations,
           x.tail_index);
}

/// The stall that a wake-up after `wait` meets: none where `x` is not
/// modelled or the core waited less than `wake_stall_after` (no draw is
/// taken then, so runs without wake stalls keep their draws), else with
/// probability `x.share` a duration drawn from its quantiles.
caf::timespan draw_wake_stall(const wake_stalls& x, caf::timespan wait,
                              std::mt19937_64& random);

/// Of two measurements of one core's wake stalls, the one that adds more
/// time per wake-up.
wake_stalls busier(const wake_stalls& x, const wake_stalls& y);

/// "4.5 in 1,000 wake-ups after 200 us or more, 0.52 to 3.10 ms (median
/// 1.10 ms)"; "none" when not modelled.
std::string to_string(const wake_stalls& x);

} // namespace troupe
