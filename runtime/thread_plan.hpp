#pragma once

// How a run shares the machine's threads between CAF's scheduler and
// LibTorch, so that nothing oversubscribes the cores: each real-time torch
// replica is a detached thread running forward passes with `torch_threads`
// intra-op threads; the scheduler keeps what is left, at least one thread
// (its actors mostly wait). Only a scenario with more torch replicas than
// threads - 1 has more busy threads than cores (a replica is a thread of
// its own): the plan says so, and `troupe run` prints it. Virtual time
// runs everything on one thread, with one LibTorch thread: the same
// arithmetic on every machine, so predictions repeat exactly.

#include <cstddef>
#include <optional>
#include <vector>

#include "actors/core_pinning.hpp"
#include "runtime/clock_kind.hpp"

namespace troupe {

struct scenario;

struct thread_plan {
  /// The threads the run was given (one per core where asked for 0).
  size_t threads = 1;
  /// CAF scheduler threads (real time).
  size_t actor_threads = 1;
  /// LibTorch intra-op threads per torch replica.
  int torch_threads = 1;
  /// Real time: the torch replicas' threads and one scheduler thread
  /// outnumber the threads the run was given.
  bool oversubscribed = false;
  /// Real time with torch replicas whose threads fit on the first
  /// `threads` cores this thread may use, less one: the replicas' threads
  /// on the last R x torch_threads of those cores, the scheduler's on the
  /// ones before (actors/core_pinning.hpp).
  std::optional<core_split> cores;
};

/// `threads` = 0: one per core. With R torch replicas (every worker slot a
/// scaler may fill) on T threads: torch_threads = max(1, (T - 1) / R), and
/// actor_threads = max(1, T - R x torch_threads). Without torch replicas
/// the scheduler gets all T, and no cores are split.
/// The cores split are the first `threads` of those this thread may use.
thread_plan plan_threads(const scenario& sc, clock_kind clock, size_t threads);

/// The same on the cores `allowed` (ascending).
thread_plan plan_threads(const scenario& sc, clock_kind clock, size_t threads,
                         std::vector<int> allowed);

} // namespace troupe
