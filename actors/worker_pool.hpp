#pragma once

// The workers (replica slots) of one stage and their lifecycle (seed 004):
//
//   off --boot--> booting --cold start--> idle <--take/release--> busy
//                                          |                        |
//    off <-------------- retire -----------+     retire: draining --+--> off
//
// In cluster mode a worker whose replica died (or whose node has not joined
// yet) is lost until a replica serves its slot again:
//
//   any --lose--> lost --rejoin--> idle
//
// A pool built without scaling starts with every worker idle and never
// changes its size. With scaling, set_target() boots workers at once (they
// serve only after the cold start) and retires them only when every target
// of the last scale_down_delay was lower ("scale-down waits"). Cost accrues
// per worker and second: running (booting, busy or draining) or idle.

#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

namespace troupe {

enum class worker_state : uint8_t {
  off,
  booting,
  idle,
  busy,
  draining,
  lost
};

const char* to_string(worker_state x);

struct worker_pool_options {
  /// Worker slots (replica actors) the stage has.
  uint32_t slots = 1;
  /// Workers idle at time zero; the others are off.
  uint32_t initial = 1;
  caf::timespan cold_start{0};
  caf::timespan scale_down_delay{0};
  /// Cost per worker and second: hardware cost x seed 004's rates.
  double running_cost_per_s = 0;
  double idle_cost_per_s = 0;
};

inline bool operator==(const worker_pool_options& x,
                       const worker_pool_options& y) {
  return x.slots == y.slots && x.initial == y.initial
         && x.cold_start == y.cold_start
         && x.scale_down_delay == y.scale_down_delay
         && x.running_cost_per_s == y.running_cost_per_s
         && x.idle_cost_per_s == y.idle_cost_per_s;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_pool_options& x) {
  return f(caf::meta::type_name("worker_pool_options"), x.slots, x.initial,
           x.cold_start, x.scale_down_delay, x.running_cost_per_s,
           x.idle_cost_per_s);
}

class worker_pool {
public:
  /// A worker to wake with booted() after the cold start. The generation
  /// tells a stale wake-up (the boot was cancelled) from a current one.
  struct boot {
    uint16_t slot = 0;
    uint32_t generation = 0;
  };

  worker_pool() = default;
  explicit worker_pool(worker_pool_options options);

  /// Aims at `target` workers from `now` on. Returns the workers that start
  /// booting.
  std::vector<boot> set_target(uint32_t target, caf::timespan now);

  /// A boot finished: the worker becomes idle (unless the boot was
  /// cancelled meanwhile). Returns whether it did.
  bool booted(boot b, caf::timespan now);

  /// An idle worker gets a batch.
  void take(size_t slot, caf::timespan now);

  /// A worker finished its batch: idle again, or off when draining.
  void release(size_t slot, caf::timespan now);

  /// The worker's replica died: no batches until it rejoins.
  void lose(size_t slot, caf::timespan now);

  /// A replica serves the lost worker's slot again: it becomes idle.
  void rejoin(size_t slot, caf::timespan now);

  /// idle()[i] is true when worker i can take a batch now (for the router).
  const std::vector<bool>& idle() const {
    return idle_;
  }

  worker_state state(size_t slot) const {
    return states_[slot];
  }

  /// Workers that count towards the target: booting, idle or busy.
  uint32_t wanted() const;

  /// Workers able to serve: idle or busy.
  uint32_t active() const;

  uint32_t booting() const;

  /// Workers lost (cluster mode), waiting for a replica to rejoin.
  uint32_t lost() const;

  /// Cost accrued up to `now`.
  double cost(caf::timespan now);

  const worker_pool_options& options() const {
    return options_;
  }

private:
  void change(size_t slot, worker_state to, caf::timespan now);
  void accrue(caf::timespan now);
  /// The highest target set during the last scale_down_delay.
  uint32_t held_target(caf::timespan now);

  worker_pool_options options_;
  std::vector<worker_state> states_;
  std::vector<uint32_t> generations_;
  std::vector<bool> idle_;
  uint32_t running_ = 0;
  uint32_t idle_count_ = 0;
  double cost_ = 0;
  caf::timespan accrued_until_{0};
  /// Recent targets (time set, target), oldest first.
  std::deque<std::pair<caf::timespan, uint32_t>> targets_;
};

} // namespace troupe
