#pragma once

// Counters that the runtime reads while a graph runs (progress lines) and
// after it ends (events): shared by the actors of one process, never sent.

#include <atomic>
#include <cstdint>

namespace troupe {

struct run_probe {
  /// Messages handled by troupe's actors. Each actor counts locally and adds
  /// its count here when it terminates, so the hot path stays uncontended.
  std::atomic<uint64_t> events{0};
  /// Requests that ended (completed, dropped or failed), set by the sink.
  std::atomic<uint64_t> ended{0};
  /// Requests that ended late: completed after their deadline, dropped or
  /// failed (lets a planner stop a run whose P99 can no longer meet the SLO).
  std::atomic<uint64_t> late{0};
};

/// Adds an actor's local message count to the probe when its state dies.
struct event_counter {
  run_probe* probe = nullptr;
  uint64_t count = 0;

  event_counter() = default;
  explicit event_counter(run_probe* p) : probe(p) {
    // nop
  }
  event_counter(const event_counter&) = delete;
  event_counter& operator=(const event_counter&) = delete;

  ~event_counter() {
    if (probe != nullptr)
      probe->events.fetch_add(count, std::memory_order_relaxed);
  }

  void operator++() {
    ++count;
  }
};

} // namespace troupe
