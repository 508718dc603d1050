// Serving a real model (the zoo's small CNN by default), in real time:
//  1. the limit: a plain loop calling the same TorchScript module on the
//     same batches of test images, against troupe serving a burst of the
//     same requests through one replica at the same batch size;
//  2. batching gain: the highest Poisson rate whose p99 stays within the
//     SLO, for each batching policy at batch 32 and for the best one at
//     larger batches, against batch size 1;
//  3. overhead breakdown per request, as Triton reports it: queue wait
//     (until the compute starts on the model's thread), compute (the
//     forward pass), and the runtime's overhead = end-to-end (from the
//     client's send to the sink) - queue - compute, with each hand-off
//     between threads shown apart;
//  4. sim-to-real, per model at two loads (the replica busy half the time
//     in virtual time; half the profile's best throughput, near
//     saturation): real runs, each against the scenario in virtual time on
//     a profile measured just before it (lognormal service times), the
//     quiet pairs' requests pooled on each side (and drawn again with
//     replacement: how far the pairs leave the gap), with the CPU time the
//     hypervisor stole meanwhile, where each real run's p99 fell among
//     its virtual seeds', and where the median pair's requests spent
//     their time in each.
// Every real-time measurement waits for a quiet machine first
// (wait_for_quiet_machine). LibTorch gets the threads a served replica gets
// (runtime/runner.cpp): (cores - 1), at least one, for one replica.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <unistd.h>

#include <fmt/format.h>

#include "actors/core_pinning.hpp"
#include "bench/bench.hpp"
#include "models/data/data_set_cache.hpp"
#include "models/durations.hpp"
#include "models/output_file.hpp"
#include "models/torch/batch_classifier.hpp"
#include "runtime/handoff_probe.hpp"
#include "runtime/model_profiler.hpp"
#include "runtime/statistics.hpp"
#include "runtime/zoo.hpp"

namespace troupe::bench {

namespace {

constexpr uint32_t batch = 32;

struct setup {
  std::string folder;
  std::string repository;
  std::string model;
  double slo_ms = 0;
};

std::string profile_file(const std::string& model) {
  return "profile-" + model + ".toml";
}

/// A one-stage scenario serving `model` with `stage_keys` (batching keys),
/// the profile measured in this run (lognormal service times in virtual
/// time), and a Poisson load.
scenario serving_scenario(const setup& s, double rate, uint64_t count,
                          const std::string& stage_keys) {
  auto text = fmt::format(
    "name = \"serving\"\nslo_ms = {}\nseed = 5\nrepository = \"{}\"\n"
    "model_files = [\"{}\"]\nservice_time = \"lognormal\"\n"
    "[workload]\nkind = \"poisson\"\n"
    "rate_qps = {}\ncount = {}\n[inputs]\norder = \"shuffled\"\n"
    "[[stages]]\nname = \"m\"\nkind = \"torch\"\nmodel = \"{}\"\n"
    "hardware = \"cpu\"\n{}\ninputs = [\"source\"]\n",
    s.slo_ms, s.repository, profile_file(s.model), rate, count, s.model,
    stage_keys);
  auto file = s.folder + "/serving.toml";
  write_file_atomically(file, text);
  return load_scenario(file);
}

struct probe {
  run_summary summary;
  run_outcomes outcomes;
};

probe serve(const setup& s, double rate, double seconds,
            const std::string& keys, clock_kind clock,
            std::optional<uint64_t> seed = std::nullopt) {
  auto sc = serving_scenario(s, rate, uint64_t(std::max(1.0, rate * seconds)),
                             keys);
  run_options options;
  options.clock = clock;
  options.seed = seed;
  auto run = run_scenario(sc, options);
  return {summarize(sc, run), std::move(run.outcomes)};
}

bool meets_slo(const probe& p, double slo_ms) {
  return p.summary.completed == p.summary.sent
         && p.summary.latency_ms.p99 <= slo_ms;
}

/// The highest rate (within 5%) whose p99 stays within the SLO, searched
/// between `low` (assumed to meet it) and `high`. Each try waits for a quiet
/// machine, and a rate gets a second try before it counts as too high (one
/// stall of the shared machine).
double highest_rate(const setup& s, const std::string& keys, double low,
                    double high) {
  while (high > 1.05 * low) {
    auto mid = std::sqrt(low * high);
    bool ok = false;
    for (int attempt = 0; attempt < 2 && !ok; ++attempt) {
      wait_for_quiet_machine();
      auto p = serve(s, mid, 2.0, keys, clock_kind::real_time);
      ok = meets_slo(p, s.slo_ms);
      fmt::print(stderr, "    {:8.0f} q/s: p99 {:7.2f} ms, {} of {} completed\n",
                 mid, p.summary.latency_ms.p99, p.summary.completed,
                 p.summary.sent);
    }
    (ok ? low : high) = mid;
  }
  return low;
}

/// The plain loop: batches of `batch` test images through the classifier.
double loop_throughput(const repository_model& m, size_t requests,
                       int threads) {
  auto data = shared_fashion_mnist(default_fashion_mnist_dir, data_split::test);
  batch_classifier classifier{{m.model_file()}, m.config.input_shape, data,
                              threads};
  std::vector<payload> payloads(batch);
  std::vector<const payload*> inputs(batch);
  auto start = std::chrono::steady_clock::now();
  for (size_t done = 0; done < requests; done += batch) {
    for (uint32_t i = 0; i < batch; ++i) {
      payloads[i].sample = int64_t((done + i) % data->size());
      inputs[i] = &payloads[i];
    }
    classifier.classify(inputs);
  }
  auto seconds = std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - start)
                   .count();
  return double(requests) / seconds;
}

/// The machine's speed now against when `p` was profiled: batch-1 passes
/// measured as the profile measures its rows (a pass after a 1 ms pause,
/// then one right after it), 100 of each; the profile's
/// batch-1 time over theirs (1: as profiled; 0.9: passes take 11% longer).
/// Stolen CPU and interrupted threads do not show a slower core: another
/// tenant's load on the shared caches or a lower clock frequency do not
/// take the core away, and they make every pass slower for minutes. (A
/// loop of back-to-back passes would not do: on this host it runs 10% to
/// 50% faster than the profile's rows, passes that follow one pass after a
/// pause.)
double speed_vs_profile(const repository_model& m, const profile& p,
                        int threads) {
  profiler_options po;
  po.threads = threads;
  po.batch_sizes = {1};
  po.min_runs = 100;
  po.min_seconds = 0.1;
  po.handoff_requests = 0;
  auto now = measure_profile(m, po);
  return now.rows.front().throughput_qps / p.rows.front().throughput_qps;
}

/// troupe at saturation: every request offered at time zero to one replica
/// (`send_ahead`: the frontend sends its next batch while one runs).
double troupe_burst_throughput(const setup& s, size_t requests,
                               bool send_ahead) {
  auto sc = serving_scenario(s, 1000, requests,
                             fmt::format("max_batch = {}\nsend_ahead = {}",
                                         batch, send_ahead));
  sc.inputs->order = "sequential";
  run_options options;
  options.clock = clock_kind::real_time;
  options.arrivals = std::make_shared<const arrival_times>(
    arrival_times(requests, caf::timespan{0}));
  return summarize(sc, run_scenario(sc, options)).throughput_qps;
}

latency_summary summary_of(std::vector<double> xs) {
  return summarize_latencies(xs);
}

/// This machine's profile of `m` at batch sizes 1 to `largest` (powers of 2,
/// and the sizes between them where the throughput leaves their line; for
/// deadline batching and virtual time), or at `sizes_of`'s batch sizes
/// (a quicker profile at sizes found before), written where the scenarios
/// read it.
profile measure(const setup& s, const repository_model& m, int threads,
                uint32_t largest = batch, const profile* sizes_of = nullptr) {
  profiler_options po;
  po.threads = threads;
  if (sizes_of) {
    for (const auto& row : sizes_of->rows)
      po.batch_sizes.push_back(row.batch_size);
    po.refine_within = 0;
  } else {
    for (uint32_t b = 1; b <= largest; b *= 2)
      po.batch_sizes.push_back(b);
  }
  wait_for_quiet_machine();
  auto measured = measure_profile(m, po);
  write_file_atomically(s.folder + "/" + profile_file(m.name),
                        model_file_toml(m.name, measured, "bench"));
  return measured;
}

/// Completed requests' latencies in ms, pooled over runs: from each
/// request's arrival (as the run's summary counts them) and from the
/// client's send (without the client's timer lateness: a load generator's,
/// not the serving's).
struct request_latencies {
  std::vector<double> from_arrival;
  std::vector<double> from_send;

  void add(const run_outcomes& outcomes) {
    for (const auto& rec : outcomes.records)
      if (rec.kind == outcome_kind::completed)
        from_arrival.push_back(to_ms(rec.finish - rec.req.arrival));
    for (auto us : latencies_from_send_us(outcomes))
      from_send.push_back(us / 1000);
  }

  void add(const request_latencies& other) {
    from_arrival.insert(from_arrival.end(), other.from_arrival.begin(),
                        other.from_arrival.end());
    from_send.insert(from_send.end(), other.from_send.begin(),
                     other.from_send.end());
  }
};

/// The Poisson rate at which the stage's replica is busy `share` of the time
/// in virtual time (within 2%), on the profile measured last: "half its
/// capacity" as utilisation. With greedy batching, half the profile's best
/// throughput is not that: below saturation the batches stay small, and at
/// that rate the replica is busy about 90% of the time.
double rate_at_utilisation(const setup& s, const std::string& keys,
                           double share, double high) {
  double low = 1;
  while (high > 1.02 * low) {
    auto mid = std::sqrt(low * high);
    auto busy = serve(s, mid, 3.0, keys, clock_kind::virtual_time)
                  .summary.stages.front()
                  .utilisation;
    (busy < share ? low : high) = mid;
  }
  return low;
}

/// Where one request's time went, from the client's send to the sink.
struct request_parts {
  /// The client's send to the frontend's queue (a message between actors).
  std::vector<double> to_frontend;
  /// In the frontend's queue, until its batch was sent to the replica.
  std::vector<double> in_queue;
  /// The batch sent, until the replica's forward started (a thread's
  /// wake-up; 0 for a batch sent ahead that waited in the mailbox).
  std::vector<double> to_replica;
  /// The forward pass.
  std::vector<double> compute;
  /// The forward done, until the sink recorded the request.
  std::vector<double> to_sink;
  /// End-to-end minus queue minus compute, with the queue as Triton counts
  /// it: from arrival to the start of the compute on the model's thread.
  std::vector<double> overhead;
  /// The same with the hand-off to the replica counted as overhead.
  std::vector<double> overhead_with_handoff;
  /// The requests of the request's batch.
  std::vector<double> batch_size;
  /// Its compute over the profile's rows' mean at the size it was charged
  /// as (where a profile was given): whether a pass took longer than the
  /// profile says for its size, apart from how batches formed.
  std::vector<double> compute_vs_rows;
};

request_parts parts_of(const run_outcomes& outcomes,
                       const profile* measured = nullptr) {
  request_parts parts;
  auto us = [](caf::timespan x) { return to_ms(x) * 1000; };
  for (const auto& rec : outcomes.records) {
    if (rec.kind != outcome_kind::completed)
      continue;
    const auto& v = rec.req.trace.back();
    auto started = v.finish - v.compute;
    auto e2e = rec.finish - sent_time(rec.req);
    parts.to_frontend.push_back(us(v.enqueue - sent_time(rec.req)));
    parts.in_queue.push_back(us(v.dequeue - v.enqueue));
    parts.to_replica.push_back(us(started - v.dequeue));
    parts.compute.push_back(us(v.compute));
    parts.to_sink.push_back(us(rec.finish - v.finish));
    parts.overhead.push_back(us(e2e - (started - v.enqueue) - v.compute));
    parts.overhead_with_handoff.push_back(
      us(e2e - (v.dequeue - v.enqueue) - v.compute));
    parts.batch_size.push_back(double(v.batch_size));
    auto charged = std::max(v.batch_size, v.padded_size);
    if (measured && charged >= 1 && charged <= measured->max_batch())
      parts.compute_vs_rows.push_back(
        to_ms(v.compute) / to_ms(measured->service_time(charged)));
  }
  return parts;
}

/// Virtual runs per pair, one per seed: the p99 of one run is itself a
/// sample (of a perfect model's 3 s runs, one in five pairs differs by more
/// than 10% at p99 near 60% busy), so a real run is compared with all of
/// them (and each pair's own gap with their median).
constexpr uint64_t virtual_seeds = 5;

/// Each sim-to-real run's length. The machine's spells last tens to
/// hundreds of milliseconds (docs/models.md), so a 3 s run holds only a
/// few dozen of them and its p99 is mostly which ones it met: virtual seeds
/// of one profile spread by as much as -30%/+131% around their median. Ten
/// seconds hold three times as many; the real run is still a small part of
/// a pair's time, which profiling takes.
constexpr double sim_to_real_seconds = 10;

/// One model's sim-to-real gap at one load, greedy batching up to 32. The
/// machine's speed drifts over minutes (the same profile, taken minutes
/// apart, can differ by half), so each real run is paired with a profile
/// measured just before it and virtual runs on that profile (virtual_seeds
/// of them); the row pools the quiet pairs' requests on each side, and
/// shows every pair's own gap (at the batch sizes of `first`, the model's
/// first profile in the bench).
/// Returns the median pair's parts table row: where its requests' time went,
/// virtual against real.
std::string sim_to_real_row(const setup& s, const repository_model& m,
                            const profile& first, int threads,
                            const serving_options& options,
                            const std::string& load_name, double load) {
  auto keys = fmt::format("max_batch = {}", batch);
  struct pair {
    latency_summary virtual_ms;
    latency_summary real_ms;
    /// Every completed request's latency in ms, from its arrival and from
    /// the client's send: the real run's, and all virtual seeds' together.
    request_latencies real_requests;
    request_latencies virtual_requests;
    double utilisation = 0;
    double stolen = 0;
    /// Share of their time that spinning threads, one per core, lost to
    /// interruptions just before and just after the real run.
    double lost = 0;
    /// The machine's speed against the profile's, just before and just
    /// after the real run (speed_vs_profile).
    double speed_before = 0;
    double speed_after = 0;
    /// The real run's passes against the virtual run's draws, each over
    /// the profile's rows at its size: the mean of one over the mean of the
    /// other (1: the passes took what virtual time charged them; a
    /// machine's slow spell can slow the larger batches alone, which
    /// batch-1 passes before and after do not show).
    double passes_vs_virtual = 0;
    /// The virtual runs' lowest and highest p99 over their median's: how
    /// far one run of this length is from another by sampling alone.
    double virtual_low = 0;
    double virtual_high = 0;
    request_parts virtual_parts;
    request_parts real_parts;
    /// Stalls read from the real run less those read from the median
    /// virtual run, in points of both cores' time (replica's and
    /// scheduler's summed): how far the machine that served was from the
    /// one virtual time modelled, read the same way on both sides.
    double stalls_real_less_virtual = 0;
  };
  std::vector<pair> pairs;
  auto steady = [](double speed) { return std::abs(speed - 1) <= 0.05; };
  // Quiet: the hypervisor stole under 1% of the CPU, spinning threads lost
  // under 5% of their time around the run (about 2% on a usual day; at busy
  // hours of the shared host 15%, in stalls up to 16 ms), a pass took its
  // profiled time within 5% just before and just after the run (on this
  // host the speed moves by 10 to 25% within minutes), and the run's own
  // passes took within 5% of what the virtual run drew for theirs, size
  // for size. A simulator cannot foresee another tenant, nor a machine
  // that is not the one profiled.
  auto is_quiet = [&](const pair& p) {
    return p.stolen < 0.01 && p.lost < 0.05 && steady(p.speed_before)
           && steady(p.speed_after) && steady(p.passes_vs_virtual);
  };
  // Stalls matched: the real run read its cores' stalls within a tenth of
  // a point of what the median virtual run read of its own. At 50% busy
  // the p99 gap followed that difference at about +100% a point (a busy
  // Sunday: +0.3 points +32%, +0.7 +106%, -4.8 -19%), so a tenth of a
  // point is what a gap of 10% allows. A busy hour can still hold such
  // pairs; their gap judges the rest of the model, the pairs whose stalls
  // differ judge the host's drift (docs/bench.md).
  auto stalls_matched = [](const pair& p) {
    return std::abs(p.stalls_real_less_virtual) <= 0.1;
  };
  auto gap = [](double v, double r) { return 100.0 * (r - v) / v; };
  // Both kinds of stall on both cores: by time, and at wake-ups.
  auto all_stalls = [](const stall_time& replica, const stall_time& sched,
                       const wake_stalls& replica_wake,
                       const wake_stalls& sched_wake) {
    return to_string(replica) + " (the scheduler's: " + to_string(sched)
           + "), at wake-ups " + to_string(replica_wake)
           + " (the scheduler's: " + to_string(sched_wake) + ")";
  };
  auto read_on_both = [&](const serving_probe& x) {
    return all_stalls(x.stalls, x.scheduler_stalls, x.replica_wake_stalls,
                      x.scheduler_wake_stalls);
  };
  int quiet_so_far = 0;
  for (int i = 0; i < options.real_runs
                  && (options.quiet_pairs == 0
                      || quiet_so_far < options.quiet_pairs);
       ++i) {
    // Profiled again (up to three times) while the machine's speed just
    // before the real run is not the profile's.
    pair p;
    profile measured;
    double lost_before = 0;
    for (int attempt = 0; attempt < 3 && !steady(p.speed_before);
         ++attempt) {
      measured = measure(s, m, threads, batch, &first);
      lost_before = wait_for_quiet_machine();
      p.speed_before = speed_vs_profile(m, measured, threads);
    }
    auto before = read_cpu_times();
    auto real_run
      = serve(s, load, sim_to_real_seconds, keys, clock_kind::real_time);
    p.stolen = steal_share(before, read_cpu_times());
    p.speed_after = speed_vs_profile(m, measured, threads);
    auto cores = usable_cores();
    p.lost = (lost_before + measure_machine_jitter(0.25, cores).time_lost) / 2;
    p.real_ms = real_run.summary.latency_ms;
    p.real_parts = parts_of(real_run.outcomes, &measured);
    p.real_requests.add(real_run.outcomes);
    // Virtual time on the same profile, after the real run (it needs no
    // quiet machine).
    std::vector<probe> virtual_runs;
    for (uint64_t seed = 5; seed < 5 + virtual_seeds; ++seed) {
      virtual_runs.push_back(
        serve(s, load, sim_to_real_seconds, keys, clock_kind::virtual_time,
              seed));
      p.virtual_requests.add(virtual_runs.back().outcomes);
    }
    std::sort(virtual_runs.begin(), virtual_runs.end(),
              [](const probe& x, const probe& y) {
                return x.summary.latency_ms.p99 < y.summary.latency_ms.p99;
              });
    const auto& median_run = virtual_runs[virtual_runs.size() / 2];
    p.virtual_ms = median_run.summary.latency_ms;
    p.utilisation = median_run.summary.stages.front().utilisation;
    p.virtual_parts = parts_of(median_run.outcomes, &measured);
    p.virtual_low = virtual_runs.front().summary.latency_ms.p99
                    / p.virtual_ms.p99;
    p.virtual_high = virtual_runs.back().summary.latency_ms.p99
                     / p.virtual_ms.p99;
    p.passes_vs_virtual = summary_of(p.real_parts.compute_vs_rows).mean
                          / summary_of(p.virtual_parts.compute_vs_rows).mean;
    auto quiet = is_quiet(p);
    quiet_so_far += quiet ? 1 : 0;
    // The stalls the real run met and those the median virtual run placed,
    // both read as the profile reads its own run (what the reading misses,
    // such as a stall while a core had nothing to do, it misses alike on
    // both sides): a real run that met other stalls than virtual time
    // placed was served by another machine than the one profiled.
    auto met = read_serving_run(real_run.outcomes.records);
    auto placed = read_serving_run(median_run.outcomes.records);
    // Both kinds: by time, and at wake-ups past the poll.
    auto in_all = [](const serving_probe& x) {
      return x.stalls.share() + x.scheduler_stalls.share()
             + x.replica_wake_time + x.scheduler_wake_time;
    };
    p.stalls_real_less_virtual = 100 * (in_all(met) - in_all(placed));
    // Progress: a row takes minutes, most of them waiting and profiling.
    fmt::print(stderr,
               "  {}, {} ({:.0f} q/s), pair {} of at most {}: p99 {:.2f} ms "
               "virtual, {:.2f} ms real ({:+.0f}%); {} ({:.1f}% stolen, "
               "{:.1f}% lost, speed {:.2f}/{:.2f}, passes {:.2f}); {} quiet "
               "so far; stalls {} ({:+.1f} points real less virtual); the "
               "profile's stalls: {}; read from the real run: {}; from the "
               "median virtual run: {}\n",
               m.name, load_name, load, i + 1, options.real_runs,
               p.virtual_ms.p99, p.real_ms.p99,
               gap(p.virtual_ms.p99, p.real_ms.p99),
               quiet ? "quiet" : "not quiet", 100 * p.stolen, 100 * p.lost,
               p.speed_before, p.speed_after, p.passes_vs_virtual,
               quiet_so_far, stalls_matched(p) ? "matched" : "differed",
               p.stalls_real_less_virtual,
               all_stalls(measured.stalls, measured.scheduler_stalls,
                          measured.wake.stalls,
                          measured.scheduler_wake.stalls),
               read_on_both(met), read_on_both(placed));
    pairs.push_back(std::move(p));
  }
  std::sort(pairs.begin(), pairs.end(), [&](const pair& x, const pair& y) {
    return gap(x.virtual_ms.p99, x.real_ms.p99)
           < gap(y.virtual_ms.p99, y.real_ms.p99);
  });
  // The median pair among the quiet ones, else among all.
  std::vector<const pair*> quiet;
  std::string each;
  for (const auto& p : pairs) {
    if (is_quiet(p))
      quiet.push_back(&p);
    each += fmt::format(
      "{}{:+.0f}% ({:.1f}%, {:.1f}%, {:.2f}/{:.2f}, {:.2f}, {:+.0f}%/{:+.0f}%, "
      "{:+.1f})",
      each.empty() ? "" : ", ", gap(p.virtual_ms.p99, p.real_ms.p99),
      100 * p.stolen, 100 * p.lost, p.speed_before, p.speed_after,
      p.passes_vs_virtual, 100 * (p.virtual_low - 1),
      100 * (p.virtual_high - 1), p.stalls_real_less_virtual);
  }
  // The pairs the row counts: the quiet ones, else every pair (sorted by
  // gap, as `pairs`).
  auto counted = quiet;
  if (counted.empty())
    for (const auto& p : pairs)
      counted.push_back(&p);
  const auto& mid = *counted[counted.size() / 2];
  // The row's percentiles pool the counted pairs' requests: near
  // saturation one 10 s run's p99 is itself a sample that ten seeds of one
  // profile spread by -20%/+29% around their median, so the real side
  // needs more than one run as much as the virtual side. Each pair weighs
  // the same on both sides (one real run, all its virtual seeds).
  struct pooled {
    latency_summary real_ms, virtual_ms, real_sent_ms, virtual_sent_ms;
  };
  auto pool = [](const std::vector<const pair*>& some) {
    request_latencies real;
    request_latencies simulated;
    for (const auto* p : some) {
      real.add(p->real_requests);
      simulated.add(p->virtual_requests);
    }
    return pooled{summarize_latencies(real.from_arrival),
                  summarize_latencies(simulated.from_arrival),
                  summarize_latencies(real.from_send),
                  summarize_latencies(simulated.from_send)};
  };
  auto row = pool(counted);
  // How sure the row's p99 gap is: the counted pairs drawn again with
  // replacement, each draw pooled as the row; the central 90% of their
  // gaps. Each pair is one moment of a moving machine, so few pairs leave
  // the gap wide, and a row whose interval reaches past 10% either way is
  // not decided by its pairs.
  std::string interval_text = "one pair";
  if (counted.size() > 1) {
    std::vector<paired_samples> counted_samples;
    for (const auto* p : counted)
      counted_samples.push_back({&p->virtual_requests.from_arrival,
                                 &p->real_requests.from_arrival});
    auto interval = resampled_percentile_gap(counted_samples, 99, 0.9);
    interval_text = fmt::format("{:+.0f}% to {:+.0f}%", interval.low,
                                interval.high);
  }
  // Where each real run's p99 fell among its own virtual seeds' p99s: if
  // virtual time were the machine, the real run would be one more seed,
  // below all of them in one pair of virtual_seeds + 1, above all in one,
  // among them in the rest. A real run above or below all of them more
  // often than that varied more than virtual time knew: the machine moved
  // between the profile and the run (its stalls, its speed).
  int below_all = 0;
  int above_all = 0;
  for (const auto& p : pairs) {
    below_all += p.real_ms.p99 < p.virtual_low * p.virtual_ms.p99 ? 1 : 0;
    above_all += p.real_ms.p99 > p.virtual_high * p.virtual_ms.p99 ? 1 : 0;
  }
  // The pairs whose stalls matched, pooled the same way: "-" where none.
  std::vector<const pair*> matched;
  for (const auto& p : pairs)
    if (stalls_matched(p))
      matched.push_back(&p);
  std::string matched_gap = "-";
  if (!matched.empty()) {
    auto m_row = pool(matched);
    matched_gap = fmt::format("{:+.1f}%", gap(m_row.virtual_ms.p99,
                                              m_row.real_ms.p99));
  }
  fmt::print("| {}, {} | {:.0f} | {:.0f}% | {:.3f} / {:.3f} | {:.3f} / {:.3f} "
             "| {:+.1f}% | {:+.1f}% | {} "
             "| {:+.1f}% / {:+.1f}% | {:+.1f}% "
             "| {} of {} | {} of {}: {} | {} / {} / {} | {} |\n",
             m.name, load_name, load, 100 * mid.utilisation,
             row.virtual_ms.p50, row.virtual_ms.p99, row.real_ms.p50,
             row.real_ms.p99, gap(row.virtual_ms.p50, row.real_ms.p50),
             gap(row.virtual_ms.p99, row.real_ms.p99), interval_text,
             gap(row.virtual_sent_ms.p50, row.real_sent_ms.p50),
             gap(row.virtual_sent_ms.p99, row.real_sent_ms.p99),
             gap(mid.virtual_ms.p99, mid.real_ms.p99), quiet.size(),
             pairs.size(), matched.size(), pairs.size(), matched_gap,
             below_all, pairs.size() - below_all - above_all, above_all, each);
  auto part = [](const std::vector<double>& v, const std::vector<double>& r,
                 int decimals = 0) {
    auto x = summary_of(v);
    auto y = summary_of(r);
    return fmt::format("{:.{}f}/{:.{}f} vs {:.{}f}/{:.{}f}", x.p50, decimals,
                       x.p99, decimals, y.p50, decimals, y.p99, decimals);
  };
  const auto& v = mid.virtual_parts;
  const auto& r = mid.real_parts;
  return fmt::format("| {}, {} | {} | {} | {} | {} | {} | {} | {} |\n",
                     m.name, load_name, part(v.to_frontend, r.to_frontend),
                     part(v.in_queue, r.in_queue),
                     part(v.to_replica, r.to_replica),
                     part(v.compute, r.compute), part(v.to_sink, r.to_sink),
                     part(v.batch_size, r.batch_size),
                     part(v.compute_vs_rows, r.compute_vs_rows, 2));
}

/// Both loads of one model: half its utilisation, and half the profile's
/// best throughput (a stress point close to saturation).
std::string sim_to_real_rows(setup s, const std::string& model,
                             int threads, const serving_options& options) {
  s.model = model;
  auto m = find_model(s.repository, model);
  auto measured = measure(s, m, threads);
  double best = 0;
  for (const auto& row : measured.rows)
    best = std::max(best, row.throughput_qps);
  auto keys = fmt::format("max_batch = {}", batch);
  auto parts = sim_to_real_row(s, m, measured, threads, options,
                               "50% busy",
                               rate_at_utilisation(s, keys, 0.5, best));
  return parts
         + sim_to_real_row(s, m, measured, threads, options,
                           "half the best throughput", best / 2);
}

/// Part 4: every sim model's row.
void sim_to_real(const setup& s, const serving_options& options,
                 int threads) {
  fmt::print("| sim-to-real (the quiet pairs' requests pooled, else every "
             "pair's; virtual: {0} seeds per pair) | load q/s "
             "| busy (virtual, median quiet pair) "
             "| virtual p50 / p99 ms | real p50 / p99 ms | gap p50 | gap p99 "
             "| gap p99, central 90% with the pairs drawn again "
             "| gap p50 / p99 from the client's send | gap p99, median quiet "
             "pair (virtual: its median seed) | quiet pairs (< 1% "
             "stolen, < 5% lost, speeds within 5%) | pairs whose stalls "
             "matched (read within 0.1 point of both cores' time, real and "
             "median virtual run): their pooled gap p99 | pairs whose real "
             "p99 was below all / among / above all their virtual seeds' "
             "(virtual time as the machine: 1 / {1} / 1 in {2}) "
             "| every pair's p99 "
             "gap (CPU stolen, time lost to interruptions, speed against "
             "the profile before/after, the run's passes against virtual "
             "time's, the lowest/highest virtual p99 of {0} seeds against "
             "their median, stalls read real less virtual in points) |\n"
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
             virtual_seeds, virtual_seeds - 1, virtual_seeds + 1);
  std::string parts;
  for (const auto& model : options.sim_models)
    parts += sim_to_real_rows(s, model, threads, options);
  fmt::print("\n| the median pair's requests, p50/p99 us, virtual vs "
             "real | client's send to the frontend | in the "
             "frontend's queue | hand-off to the replica | compute | the "
             "forward's end to the sink | their batch's size | its compute "
             "over the profile's rows at that size "
             "|\n|---|---|---|---|---|---|---|---|\n{}\n",
             parts);
}

/// A batching policy: its name in the tables and its stage keys.
struct policy {
  std::string name;
  std::string keys;
};

/// The overhead breakdown at `load`: three real runs of 3 s, one right
/// after the other; the table shows the run with the median overhead.
void overhead_breakdown(const setup& s, double load, const policy& p) {
  std::vector<request_parts> runs;
  for (int i = 0; i < 3; ++i) {
    wait_for_quiet_machine();
    runs.push_back(parts_of(
      serve(s, load, 3.0, p.keys, clock_kind::real_time).outcomes));
  }
  auto p50 = [](const std::vector<double>& xs) { return summary_of(xs).p50; };
  std::sort(runs.begin(), runs.end(), [&](const auto& x, const auto& y) {
    return p50(x.overhead) < p50(y.overhead);
  });
  const auto& median = runs[1];
  fmt::print("| per request at {:.0f} q/s ({}; median run of 3) | p50 us | "
             "p99 us |\n|---|---|---|\n",
             load, p.name);
  auto row = [](const char* name, const std::vector<double>& xs) {
    auto x = summary_of(xs);
    fmt::print("| {} | {:.1f} | {:.1f} |\n", name, x.p50, x.p99);
  };
  row("client's send to the frontend", median.to_frontend);
  row("in the frontend's queue", median.in_queue);
  row("hand-off to the replica's thread", median.to_replica);
  row("compute (the forward pass)", median.compute);
  row("the forward's end to the sink", median.to_sink);
  row("runtime overhead = end-to-end - queue (to the compute's start, as "
      "Triton) - compute",
      median.overhead);
  row("the same with the hand-off to the replica counted as overhead",
      median.overhead_with_handoff);
  fmt::print("\nruntime overhead p50 {:.1f} us (target <= 50 us; runs {:.1f} "
             "to {:.1f} us); {:.1f} us with the hand-off to the replica\n\n",
             p50(median.overhead), p50(runs.front().overhead),
             p50(runs.back().overhead), p50(median.overhead_with_handoff));
}

/// Part 1, the limit: three rounds taken one after the other (the machine's
/// speed drifts; a round sees the same machine) of the loop, troupe, and
/// troupe without sending batches ahead. Prints the median round's ratios.
void limit(const setup& s, const repository_model& m, int threads) {
  size_t requests = 20000;
  struct round {
    double loop = 0;
    double troupe = 0;
    double one_at_a_time = 0;
  };
  std::vector<round> rounds;
  for (int i = 0; i < 3; ++i) {
    wait_for_quiet_machine();
    rounds.push_back({loop_throughput(m, requests, threads),
                      troupe_burst_throughput(s, requests, true),
                      troupe_burst_throughput(s, requests, false)});
  }
  std::sort(rounds.begin(), rounds.end(), [](const auto& x, const auto& y) {
    return x.troupe / x.loop < y.troupe / y.loop;
  });
  const auto& median = rounds[1];
  fmt::print("| throughput at saturation, batch {} (median of 3 rounds) | "
             "requests/s | / loop |\n|---|---|---|\n",
             batch);
  fmt::print("| plain loop over the TorchScript module | {:.0f} | |\n",
             median.loop);
  fmt::print("| troupe, one replica, {} requests at once | {:.0f} | {:.1f}% "
             "(target >= 90%; rounds {:.1f}% to {:.1f}%) |\n",
             requests, median.troupe, 100.0 * median.troupe / median.loop,
             100.0 * rounds.front().troupe / rounds.front().loop,
             100.0 * rounds.back().troupe / rounds.back().loop);
  fmt::print("| the same with send_ahead = false | {:.0f} | {:.1f}% |\n\n",
             median.one_at_a_time,
             100.0 * median.one_at_a_time / median.loop);
}

/// The batching policies at one maximum batch size.
std::vector<policy> batching_policies(uint32_t max_batch) {
  return {{"greedy", fmt::format("max_batch = {}", max_batch)},
          {"delay 1 ms", fmt::format("max_batch = {}\nbatching = \"delay\"\n"
                                     "max_queue_delay_ms = 1",
                                     max_batch)},
          {"aimd",
           fmt::format("max_batch = {}\nbatching = \"aimd\"", max_batch)},
          {"deadline",
           fmt::format("max_batch = {}\nbatching = \"deadline\"", max_batch)}};
}

/// Part 2, batching gain: the highest rate within the SLO of batch size 1
/// (with and without send_ahead) and of each policy at batch 32; then of the
/// best policy at the profile's best batch within the SLO where that is not
/// 32 (choosing the maximum batch is part of choosing the policy, as a
/// server's operator would). Returns the best policy and its rate.
std::pair<policy, double> batching_gain(const setup& s, const profile& measured) {
  std::vector<policy> policies{
    {"batch size 1", "max_batch = 1"},
    {"batch size 1, send_ahead = false", "max_batch = 1\nsend_ahead = false"}};
  for (auto& p : batching_policies(batch)) {
    p.name += fmt::format(", max batch {}", batch);
    policies.push_back(std::move(p));
  }
  // Above any rate the model can serve: 1.5 times its best throughput.
  double ceiling = 0;
  for (const auto& row : measured.rows)
    ceiling = std::max(ceiling, 1.5 * row.throughput_qps);
  std::vector<double> rates;
  auto search = [&](const policy& p) {
    fmt::print(stderr, "  {}:\n", p.name);
    rates.push_back(highest_rate(s, p.keys, 100, ceiling));
  };
  for (const auto& p : policies)
    search(p);
  // The first two rows are the baselines (batch size 1).
  size_t best = 2;
  for (size_t i = 3; i < policies.size(); ++i)
    if (rates[i] > rates[best])
      best = i;
  // The maximum batch an operator would read off the profile: its
  // throughput peak among the sizes whose p99 fits the SLO (1 if none).
  auto profiled_best = std::max(1u, measured.peak_batch(s.slo_ms));
  if (profiled_best > 1 && profiled_best != batch) {
    auto p = batching_policies(profiled_best)[best - 2];
    p.name += fmt::format(", max batch {}", profiled_best);
    policies.push_back(p);
    search(p);
    if (rates.back() > rates[best])
      best = policies.size() - 1;
  }
  fmt::print("| batching (Poisson load, p99 <= {} ms) | highest rate q/s | "
             "gain over batch size 1 |\n|---|---|---|\n",
             s.slo_ms);
  for (size_t i = 0; i < policies.size(); ++i)
    fmt::print("| {} | {:.0f} | {:.2f}x |\n", policies[i].name, rates[i],
               rates[i] / rates[0]);
  // What batching can give at most: the forward's own throughput at that
  // size over batch size 1, as profiled at the start.
  auto at_best = measured.throughput_qps(profiled_best);
  auto at_1 = measured.throughput_qps(1);
  fmt::print("\nbest policy: {}, {:.2f}x (target >= 3x); {:.2f}x over batch "
             "size 1 without send_ahead; the model's own gain (profile: "
             "{:.0f} q/s at batch {}, the highest within the SLO, / {:.0f} q/s "
             "at 1): {:.2f}x\n\n",
             policies[best].name, rates[best] / rates[0],
             rates[best] / rates[1], at_best, profiled_best, at_1,
             at_best / at_1);
  return {policies[best], rates[best]};
}

} // namespace

int serving(const serving_options& options) {
  namespace fs = std::filesystem;
  // Each table row as it finishes, also into a file: a run takes up to an
  // hour.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  setup s;
  s.folder = (fs::temp_directory_path()
              / fmt::format("troupe-bench-serving-{}", ::getpid()))
               .string();
  fs::create_directories(s.folder);
  s.repository = fs::absolute(options.repository).string();
  s.model = options.model;
  s.slo_ms = options.slo_ms;
  // The zoo, trained on first use.
  zoo_options zoo;
  zoo.repository = s.repository;
  zoo.models = options.sim_models;
  zoo.models.push_back(options.model);
  ensure_zoo(zoo);
  auto m = find_model(s.repository, options.model);
  auto cores = usable_cores();
  auto threads = int(std::max<size_t>(1, cores - 1));
  fmt::print("model {} ({}), batch size {}, {} LibTorch thread(s) per forward "
             "on {} cores\n\n",
             options.model,
             m.config.training ? m.config.training->architecture : "", batch,
             threads, cores);
  auto done = [&] {
    fs::remove_all(s.folder);
    return 0;
  };
  if (options.sim_only) {
    sim_to_real(s, options, threads);
    return done();
  }
  // Up to batch 128, for the batching search's larger batches.
  auto measured = measure(s, m, threads,
                          std::min(4 * batch, m.config.max_batch));
  auto at_32 = batching_policies(batch).front();
  if (options.overhead_only) {
    // Half the profile's throughput at batch 32 stands in for half the best
    // rate that the batching search would find (within about 10% of it).
    overhead_breakdown(s, measured.throughput_qps(batch) / 2, at_32);
    return done();
  }
  if (!options.batching_only)
    limit(s, m, threads);
  if (options.limit_only)
    return done();
  auto [best, best_rate] = batching_gain(s, measured);
  if (options.batching_only)
    return done();
  // 3. Overhead breakdown at half the best rate.
  overhead_breakdown(s, best_rate / 2, best);
  // 4. Sim-to-real, per model at two loads.
  sim_to_real(s, options, threads);
  return done();
}

} // namespace troupe::bench
