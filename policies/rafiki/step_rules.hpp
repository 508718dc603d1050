#pragma once

// The rules of Rafiki's environment (seed 000's Env.step), as functions of
// what a step sees, so that the actors that run the environment (in virtual
// or real time) and the tests share one definition:
//  1. before serving, wait in ticks of 0.05 s while the queue is empty, or
//     while fewer than b requests wait and the oldest one's wait plus the
//     selected models' finish (busy + latency at b) plus 0.1 tau is below
//     tau;
//  2. each selected model's busy time grows by its latency at b; the batch
//     is served when the slowest of them is done (P);
//  3. the first min(queue, b) requests are served, each with latency
//     (now - arrival) + P, overdue beyond max_latency;
//  4. reward = acc(subset) n - beta acc(subset) n_overdue;
//  5. time advances by the largest busy time of all models (sync) or the
//     smallest (async: 0 while any model is idle).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "policies/rafiki/tables.hpp"

namespace troupe::rafiki {

/// How long one waiting tick lasts.
constexpr double wait_tick_s = 0.05;

/// How many queued requests the observation shows.
constexpr size_t observed_queue = 200;

/// Rule 1: whether the step waits another tick. `oldest_wait_s` is now
/// minus the oldest queued request's arrival; `finish_s` the largest busy
/// + latency over the selected models at this batch size.
bool should_wait(size_t queued, uint32_t batch, double oldest_wait_s,
                 double finish_s, double tau_s);

/// Rule 2: adds each selected model's latency at `batch_index` to its busy
/// time and returns P, the largest busy time among them.
double occupy(std::vector<double>& busy_s, const std::vector<size_t>& selected,
              const tables& t, uint32_t batch_index);

/// Rule 4.
double reward(double accuracy, size_t served, size_t overdue, double beta);

/// Rule 5: the time a step advances by.
double time_advance(const std::vector<double>& busy_s, bool sync);

/// Lets `elapsed_s` pass for every model (busy times never go below 0).
void elapse(std::vector<double>& busy_s, double elapsed_s);

/// The observation's length: 1 + M B + M + observed_queue (216 for the
/// seed's 3 models and 4 batch sizes).
size_t observation_size(size_t models, size_t batch_sizes);

inline size_t observation_size(const tables& t) {
  return observation_size(t.models(), t.batch_sizes.size());
}

/// [tau, latencies row-major, busy per model, the first observed_queue
/// queued requests' waits (now - arrival), zeros after the queue].
std::vector<float> observation(const tables& t, double tau_s,
                               const std::vector<double>& busy_s,
                               const std::vector<double>& queue_waits_s);

} // namespace troupe::rafiki
