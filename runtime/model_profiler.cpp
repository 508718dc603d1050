#include "runtime/model_profiler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <stdexcept>

#include <fmt/format.h>

#include "models/data/data_set_cache.hpp"
#include "models/durations.hpp"
#include "models/torch/batch_classifier.hpp"
#include "runtime/handoff_probe.hpp"
#include "runtime/profile_refinement.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "runtime/spell_fit.hpp"
#include "runtime/stage_kind.hpp"
#include "runtime/statistics.hpp"
#include "runtime/switch_cost.hpp"
#include "runtime/wake_curve.hpp"

namespace troupe {

uint32_t serving_probe_requests(const profiler_options& options,
                                double rate_qps) {
  // At least 50 requests (a slow model).
  return static_cast<uint32_t>(
    std::min(double(options.handoff_requests),
             std::max(50.0, std::ceil(options.serving_seconds * rate_qps))));
}

namespace {

/// The serving probe's scenario in virtual time, served by a replica of
/// `p` (its stalls placed), 20 times as long as the probe (up to 200,000
/// requests, a second or so of virtual time's work; a fast model's probe
/// holds 50,000 already): a reading of its stalls as probe_serving reads
/// them.
run_stalls read_back_stalls(const profile& p, const handoff_options& probe) {
  auto requests = std::max<uint64_t>(
    probe.requests, std::min<uint64_t>(20 * uint64_t{probe.requests}, 200000));
  auto text = fmt::format(
    "name = \"stall reading\"\nslo_ms = 60000\nseed = 1\n"
    "service_time = \"lognormal\"\n"
    "[workload]\nkind = \"poisson\"\nrate_qps = {}\ncount = {}\n"
    "{}[[stages]]\nname = \"m\"\nmodel = \"m\"\nhardware = {}\n"
    "max_batch = {}\ninputs = [\"source\"]\n",
    probe.rate_qps, requests, model_file_toml("m", p, ""),
    toml_quoted(p.hardware), probe.max_batch);
  auto read = read_serving_run(run_scenario_text(text, {}).outcomes.records);
  return {read.stalls, read.scheduler_stalls, read.replica_wake_stalls,
          read.scheduler_wake_stalls};
}

/// `p`'s stalls, read from its serving probe, as the machine had them
/// (runtime/stall_calibration.hpp).
void calibrate_profile_stalls(profile& p, const handoff_options& probe) {
  auto placed = calibrate_stalls(
    {p.stalls, p.scheduler_stalls, p.wake.stalls, p.scheduler_wake.stalls},
    [&](const run_stalls& candidate) {
      auto trial = p;
      trial.stalls = candidate.replica;
      trial.scheduler_stalls = candidate.scheduler;
      trial.wake.stalls = candidate.replica_wake;
      trial.scheduler_wake.stalls = candidate.scheduler_wake;
      return read_back_stalls(trial, probe);
    });
  p.stalls = placed.replica;
  p.scheduler_stalls = placed.scheduler;
  p.wake.stalls = placed.replica_wake;
  p.scheduler_wake.stalls = placed.scheduler_wake;
}

} // namespace

profile measure_profile(const repository_model& model,
                        const profiler_options& options,
                        const std::function<void(const profiled_size&)>&
                          on_size,
                        run_stalls* read_stalls) {
  auto sizes = options.batch_sizes;
  if (sizes.empty())
    for (uint32_t b = 1; b <= model.config.max_batch; b *= 2)
      sizes.push_back(b);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  if (sizes.empty() || sizes.front() != 1)
    throw std::invalid_argument("batch sizes start at 1 (as a profile does)");
  if (sizes.back() > model.config.max_batch)
    throw std::invalid_argument(
      fmt::format("batch size {} is beyond model '{}''s max_batch {}",
                  sizes.back(), model.name, model.config.max_batch));
  auto data = shared_fashion_mnist(options.data_dir, data_split::test);
  batch_classifier classifier{{model.model_file()}, model.config.input_shape,
                              data, options.threads};
  using clock = std::chrono::steady_clock;
  size_t next_image = 0;
  std::vector<payload> payloads(sizes.back());
  std::vector<const payload*> batch;
  // Real images, a different batch each run.
  auto run_once = [&](uint32_t b) {
    batch.clear();
    for (uint32_t i = 0; i < b; ++i) {
      payloads[i].sample = int64_t(next_image++ % data->size());
      batch.push_back(&payloads[i]);
    }
    auto start = clock::now();
    classifier.classify(batch);
    return std::chrono::duration<double, std::milli>(clock::now() - start)
      .count();
  };
  // Rounds that run every batch size twice, in a new order each round: once
  // after an idle pause (as a replica below saturation starts a batch) and
  // once right after that (as a replica with work queued). A slow spell of
  // the machine (another tenant, a frequency change) then slows every size
  // alike instead of one row.
  struct series {
    std::vector<double> latencies;
    double total_ms = 0;

    void add(double ms) {
      latencies.push_back(ms);
      total_ms += ms;
    }

    profile_row row(uint32_t b) {
      auto mean_ms = total_ms / double(latencies.size());
      return rounded_row(b, summarize_latencies(latencies).p99,
                         1000 * double(b) / mean_ms);
    }
  };
  std::mt19937_64 shuffle{1};
  auto measure_round = [&](const std::vector<uint32_t>& round_sizes) {
    // A size's first passes build its kernels.
    for (auto b : round_sizes)
      for (int warm_up = 0; warm_up < 5; ++warm_up)
        run_once(b);
    std::vector<series> warm(round_sizes.size());
    std::vector<series> idle(round_sizes.size());
    std::vector<size_t> order(round_sizes.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    auto n = double(round_sizes.size());
    auto started = clock::now();
    auto elapsed_s = [&] {
      return std::chrono::duration<double>(clock::now() - started).count();
    };
    for (;;) {
      auto rounds = warm.front().latencies.size();
      auto elapsed = elapsed_s();
      if (rounds >= options.max_runs || elapsed >= options.max_seconds * n
          || (rounds >= options.min_runs
              && elapsed >= options.min_seconds * n))
        break;
      std::shuffle(order.begin(), order.end(), shuffle);
      for (auto i : order) {
        std::this_thread::sleep_for(options.idle_pause);
        idle[i].add(run_once(round_sizes[i]));
        warm[i].add(run_once(round_sizes[i]));
      }
    }
    std::map<uint32_t, profiled_size> result;
    for (size_t i = 0; i < round_sizes.size(); ++i) {
      auto& measured = result[round_sizes[i]];
      measured.runs = uint32_t(warm[i].latencies.size());
      measured.rows.median_ms = summarize_latencies(warm[i].latencies).p50;
      measured.rows.row = warm[i].row(round_sizes[i]);
      measured.rows.idle_row = idle[i].row(round_sizes[i]);
    }
    return result;
  };
  auto first = measure_round(sizes);
  std::map<uint32_t, size_rows> kept;
  for (const auto& [b, measured] : first) {
    kept[b] = measured.rows;
    if (on_size)
      on_size(measured);
  }
  if (options.refine_within > 0) {
    std::map<uint32_t, profiled_size> last;
    refine_batch_sizes(
      kept, options.refine_within, options.max_sizes,
      [&](const std::vector<uint32_t>& round_sizes) {
        last = measure_round(round_sizes);
        std::map<uint32_t, size_rows> rows;
        for (const auto& [b, measured] : last)
          rows[b] = measured.rows;
        return rows;
      },
      [&](const placed_size& placed) {
        if (!on_size)
          return;
        auto measured = last.at(placed.rows.row.batch_size);
        measured.rows = placed.rows;
        measured.departure = placed.departure;
        on_size(measured);
      });
  }
  profile result;
  result.hardware = options.hardware;
  result.cost = options.cost;
  for (const auto& [b, rows] : kept) {
    result.rows.push_back(rows.row);
    result.idle_rows.push_back(rows.idle_row);
  }
  if (options.handoff_requests > 0) {
    handoff_options probe;
    probe.rate_qps = result.rows.front().throughput_qps / 2;
    probe.requests = serving_probe_requests(options, probe.rate_qps);
    probe.data_dir = options.data_dir;
    auto served = probe_serving(model, probe);
    result.handoff = served.handoff;
    result.client_hop = served.client_hop;
    result.timer_late = served.timer_late;
    result.stalls = served.stalls;
    result.scheduler_stalls = served.scheduler_stalls;
    for (const auto* stalls : {&result.stalls, &result.scheduler_stalls})
      if (stalls->per_s > max_stalls_per_s
          || stalls->share() > max_stall_share)
        throw std::runtime_error(fmt::format(
          "the machine stalled {:.0f} times a second, {:.0f}% of a core's "
          "time, in the serving run: profile it when it is quieter",
          stalls->per_s, 100 * stalls->share()));
    result.idle_curve = idle_curve_from(served.passes, result);
    // Rounded as a file shows it (a thousandth; a microsecond).
    if (auto spell = spell_from(served.passes))
      result.spell = {std::round(spell->share * 1000) / 1000,
                      from_ms(std::round(spell->duration_ms * 1000) / 1000)};
    // Then with greedy batching at the batch-1 throughput, where batches of
    // several sizes form: what a change of size costs.
    std::vector<std::vector<served_pass>> runs{std::move(served.passes)};
    std::vector<std::vector<woken_message>> results{std::move(served.results)};
    if (result.max_batch() > 1) {
      auto batching = probe;
      batching.max_batch = result.max_batch();
      batching.rate_qps = result.rows.front().throughput_qps;
      batching.requests = 2 * probe.requests;
      auto batched = probe_serving(model, batching);
      runs.push_back(std::move(batched.passes));
      results.push_back(std::move(batched.results));
      result.switch_rows = switch_rows_from(runs.back(), result);
    }
    // The wake-ups from both runs: at batch size 1 and a light load the
    // cores mostly wait long, with batches back to back mostly briefly, and
    // a poll adapts to each.
    if (result.handoff.modelled()) {
      result.wake = fit_replica_wake(runs);
      result.scheduler_wake = fit_wake({}, results);
      // The stalls of wake-ups past the poll, from the first run (the
      // stalls' own): they go with a core's wake curve (a probe too short
      // for one is too short for them).
      if (result.wake.modelled())
        result.wake.stalls = served.replica_wake_stalls;
      if (result.scheduler_wake.modelled())
        result.scheduler_wake.stalls = served.scheduler_wake_stalls;
    }
    if (read_stalls)
      *read_stalls = {result.stalls, result.scheduler_stalls,
                      result.wake.stalls, result.scheduler_wake.stalls};
    calibrate_profile_stalls(result, probe);
  }
  return result;
}

std::string model_file_toml(const std::string& name, const profile& p,
                            const std::string& comment) {
  std::ostringstream out;
  write_comment(out, comment);
  model_spec m;
  m.name = name;
  m.profiles.push_back(std::make_shared<const profile>(p));
  write_models(out, {m});
  return out.str();
}

} // namespace troupe
