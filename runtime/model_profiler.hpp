#pragma once

// Measures a repository model on this machine, as a replica runs it (the
// payloads of real test images gathered into a batch, the forward pass, the
// probabilities): per batch size, the p99 latency and the throughput, at the
// given batch sizes and at those between them where the throughput leaves
// the line the given ones draw (runtime/profile_refinement.hpp). The result
// is a profile in the scenario's format, so that profile -> plan -> run
// works on real models.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/model_repository.hpp"
#include "models/profile.hpp"
#include "runtime/profile_refinement.hpp"
#include "runtime/stall_calibration.hpp"

namespace troupe {

struct profiler_options {
  /// Batch sizes to measure, ascending; empty = 1, 2, 4, ... up to the
  /// model's max_batch.
  std::vector<uint32_t> batch_sizes;
  /// Every batch size runs twice per round, in a shuffled order: after an
  /// idle pause of `idle_pause` (the profile's idle rows) and right after
  /// that (its rows). Rounds go on until each size has at least `min_runs`
  /// of each and the rounds took `min_seconds` per size, and stop at
  /// `max_runs` or `max_seconds` per size (after a warm-up of five runs
  /// each).
  uint32_t min_runs = 200;
  double min_seconds = 0.5;
  uint32_t max_runs = 5000;
  double max_seconds = 5;
  std::chrono::microseconds idle_pause{1000};
  /// The real-time run that measures the runtime's hand-off, the idle
  /// curve and the machine's stalls (runtime/handoff_probe.hpp) for the
  /// profile, at half the batch-1 throughput: `serving_seconds` of it (at
  /// least 50 requests), at most `handoff_requests`; twice as many in a
  /// second run with greedy batching at the batch-1 throughput, for the
  /// switch rows (runtime/switch_cost.hpp); handoff_requests 0 = none of
  /// them measured. Two seconds hold the machine's stalls of a few a
  /// second (runtime/stall_fit.hpp) where a thousand requests of the small
  /// CNN were a quarter second; a longer run meets rarer stalls, but at a
  /// busy hour it did not predict the next minute better (docs/models.md).
  double serving_seconds = 2;
  uint32_t handoff_requests = 100000;
  /// Where a size halfway between two measured ones has a throughput more
  /// than this share away from the line between them, the profile adds it,
  /// and looks halfway on both sides of it in turn, in rounds of their own
  /// (runtime/profile_refinement.hpp); 0: only `batch_sizes`.
  double refine_within = 0.05;
  /// At most this many batch sizes in all (the given ones and the added).
  size_t max_sizes = 32;
  /// LibTorch intra-op threads while measuring (as a serving replica uses).
  int threads = 1;
  /// Fashion-MNIST folder: the inputs are its test images.
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  /// The profile's hardware name and cost per replica.
  std::string hardware = "cpu";
  double cost = 1;
};

/// One measured batch size, for progress lines.
struct profiled_size {
  size_rows rows;
  uint32_t runs = 0;
  /// Added between two measured sizes (runtime/profile_refinement.hpp):
  /// its throughput over its neighbours' line, less 1, beyond the
  /// refinement's threshold; 0 for a size asked for.
  double departure = 0;

  bool added() const {
    return departure != 0;
  }
};

/// The requests of the serving run that measures the hand-offs and the
/// stalls at `rate_qps`: `serving_seconds` of them, at least 50, at most
/// `handoff_requests`.
uint32_t serving_probe_requests(const profiler_options& options,
                                double rate_qps);

/// Measures `model`; where `read_stalls` is given, it gets the stalls as
/// the serving run read them, before their calibration
/// (runtime/stall_calibration.hpp). Throws input_error for bad data or a
/// model that does not load, std::invalid_argument for batch sizes beyond
/// its max_batch.
profile measure_profile(const repository_model& model,
                        const profiler_options& options,
                        const std::function<void(const profiled_size&)>&
                          on_size = {},
                        run_stalls* read_stalls = nullptr);

/// `profile` as a model file: a [[models]] table named `name` that a
/// scenario's model_files reads.
std::string model_file_toml(const std::string& name, const profile& p,
                            const std::string& comment);

} // namespace troupe
