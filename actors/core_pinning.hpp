#pragma once

// Which cores a real-time run's threads may use. On a 2-core machine a
// torch replica's forward pass keeps one core busy for a millisecond or
// more; a scheduler thread that the replica wakes (to take the finished
// batch to the sink) is put by Linux on the waker's core and waited there
// behind the whole next forward, with the other core idle (measured: the
// wide CNN at half its batch-1 throughput, max_batch 1, sent ahead; 2% of
// requests reached the sink 1.3 to 1.5 ms after their forward ended, p99
// 1.4 ms, against 0.13 ms with the threads kept apart). So a run with torch
// replicas keeps the replicas' threads on cores of their own and CAF's
// threads on the cores they leave (the first, on 2 cores), as Seastar
// keeps a thread per core (runtime/thread_plan.hpp says when).

#include <cstddef>
#include <optional>
#include <vector>

namespace troupe {

/// The cores of a run: the scheduler's, and the torch replicas'.
struct core_split {
  std::vector<int> actor_cores;
  std::vector<int> replica_cores;
};

/// Splits `allowed` (the cores this process may use, ascending): the first
/// `actor_cores` for the actors (at least one), the rest for the replicas.
/// None where no core would be left to the replicas.
std::optional<core_split> split_cores(const std::vector<int>& allowed,
                                      size_t actor_cores = 1);

/// The cores the calling thread may run on (empty where unknown).
std::vector<int> cores_of_this_thread();

/// How many cores the calling thread may run on: what `taskset` or a
/// container's cpuset leaves it, which may be fewer than the machine has;
/// the machine's count where unknown; at least 1. "One thread per core"
/// means one per these.
size_t usable_cores();

/// Keeps the calling thread to `cores` (false where the system refused,
/// or `cores` is empty: the thread runs where it did).
bool pin_this_thread(const std::vector<int>& cores);

/// Pins the calling thread to `cores` for its lifetime and then gives the
/// thread its cores back: threads started meanwhile (CAF's scheduler and
/// clock, created with the actor system) inherit `cores`.
class pinned_scope {
public:
  explicit pinned_scope(const std::vector<int>& cores);
  ~pinned_scope();
  pinned_scope(const pinned_scope&) = delete;
  pinned_scope& operator=(const pinned_scope&) = delete;

private:
  std::vector<int> before_;
  bool pinned_ = false;
};

} // namespace troupe
