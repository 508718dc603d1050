#pragma once

// The client: emits the workload. Request k arrives at arrivals[k] after the
// run's epoch. At each wake-up the client sends every request that is due as
// one batch to each root stage (stages with input "source"), then sleeps
// until the next arrival (a delayed message to itself). At the end it tells
// the sink how many requests it sent.

#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/run_probe.hpp"
#include "messages/interfaces.hpp"
#include "models/arrival.hpp"

namespace troupe {

struct client_options {
  std::shared_ptr<const arrival_times> arrivals;
  /// Deadline = arrival + slo.
  caf::timespan slo{0};
  caf::actor_clock::time_point epoch;
  /// Visits a trace can reach (stages + the client's own): reserved up
  /// front, so that no stage reallocates it on the hot path.
  size_t trace_capacity = 1;
};

struct client_state {
  static inline const char* name = "client";

  client_options options;
  std::vector<stage_input_actor> roots;
  sink_actor sink;
  /// Index of the next request to send.
  size_t next = 0;
  event_counter events;

  /// Every request due at `now` (arrival <= now), in id order. Each trace
  /// starts with a visit of source_stage: when it was due and when sent.
  batch take_due(caf::timespan now);

  /// How long until the next request is due; nothing when all were sent.
  std::optional<caf::timespan> next_wakeup(caf::timespan now) const;
};

using client_pointer = client_actor::stateful_pointer<client_state>;

client_actor::behavior_type client(client_pointer self, client_options options,
                                   std::vector<stage_input_actor> roots,
                                   sink_actor sink, run_probe* probe);

} // namespace troupe
