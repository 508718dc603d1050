#pragma once

// What a run measured: the summary (summary.json and the printed text) and
// the per-request table (requests.csv).

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "runtime/cluster_report.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "runtime/statistics.hpp"

namespace troupe {

struct stage_report {
  std::string name;
  std::string kind;
  uint32_t replicas = 0;
  /// Batch size -> number of batches served.
  std::map<uint32_t, uint64_t> batch_sizes;
  /// Mean time between enqueue and dequeue of the requests served here.
  double mean_queue_wait_ms = 0;
  /// Busy replica time / (workers able to serve x run duration).
  double utilisation = 0;
  uint64_t dropped = 0;
  uint64_t failed = 0;
  double cost = 0;
  /// Workers running (serving or booting): the mean over the scaler's
  /// samples and the most at once; `replicas` when the stage is not scaled.
  double mean_workers = 0;
  uint32_t max_workers = 0;
  bool scaled = false;
  /// Seed 004's cost: per worker and second running or idle, times the
  /// hardware's cost. Accrued by the worker pool when scaled; from the
  /// traces' busy time otherwise.
  double worker_cost = 0;
};

struct run_summary {
  std::string scenario;
  std::string clock;
  uint64_t seed = 0;
  uint64_t sent = 0;
  uint64_t completed = 0;
  uint64_t dropped = 0;
  uint64_t failed = 0;
  /// Reason ("queue_full", ...) -> requests dropped for it.
  std::map<std::string, uint64_t> drop_reasons;
  /// Failures per cause (invalid_payload, model_error, ...).
  std::map<std::string, uint64_t> fail_reasons;
  /// Leaf results that arrived after their request had ended elsewhere.
  uint64_t orphaned_results = 0;
  /// Over the completed requests.
  latency_summary latency_ms;
  /// P99 over every request sent, a drop or a failure counted as infinitely
  /// late (as the planner counts them): +infinity when more than 1% did not
  /// complete.
  double p99_all_ms = 0;
  double slo_ms = 0;
  /// Share of ALL sent requests that completed within slo_ms.
  double slo_attainment = 0;
  /// Completed requests per simulated second (first arrival to last end).
  double throughput_qps = 0;
  /// Completed requests whose input had a known label and whose result a
  /// predicted one, and how many of those were right.
  uint64_t labelled = 0;
  uint64_t right = 0;
  double duration_s = 0;
  double cost = 0;
  /// The [scaling] policy, "none" without one.
  std::string scaling_policy;
  /// Sum of the stages' worker_cost.
  double worker_cost = 0;
  uint64_t events = 0;
  double wall_s = 0;
  std::vector<stage_report> stages;
  /// Per [[nodes]] entry (cluster mode); empty without nodes.
  std::vector<node_report> nodes;
};

/// Readies `folder` for one run's outputs before the run starts: creates it,
/// proves that a file can be written there, and removes the files an
/// earlier scaled run left (scaling.csv, .gp, .png, gnuplot.log). Throws
/// std::runtime_error or std::filesystem::filesystem_error naming it.
void prepare_output_folder(const std::string& folder);

/// Computes the summary of a run from its outcomes and traces.
run_summary summarize(const scenario& sc, const run_result& run);

/// summary.json: one key per line, fixed formatting, so that two virtual runs
/// of the same scenario and seed differ only in the line holding "wall_s".
void write_summary_json(const run_summary& summary, const std::string& path);

/// requests.csv: one row per request in id order with its outcome (and,
/// when requests carry inputs or results, sample, label and prediction)
/// and, per stage, enqueue/dequeue/finish times, batch size, replica and
/// batch id.
void write_requests_csv(const scenario& sc, const run_outcomes& outcomes,
                        const std::string& path);

/// The short text printed at the end of `troupe run`.
std::string render_summary(const run_summary& summary);

} // namespace troupe
