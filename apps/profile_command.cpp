// `troupe profile MODEL`: measures a repository model on this machine and
// writes its profile as a model file for scenarios.

#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "apps/command_errors.hpp"
#include "apps/commands.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "models/output_file.hpp"
#include "runtime/model_profiler.hpp"
#include "runtime/scenario.hpp"
#include "runtime/stall_fit.hpp"

namespace troupe {

namespace {

/// One core's wake-ups as measured, under the name `what`: the hand-off
/// of a message to `core`, handled there by `to_whom`.
void print_wake(const std::string& what, const std::string& core,
                const std::string& to_whom, const wake_time& wake) {
  if (!wake.modelled()) {
    std::cout << what << "-ups: none measured (under 30 messages reached "
              << core << " while it waited)\n";
    return;
  }
  std::string points;
  for (const auto& point : wake.curve)
    points += point.wait.count() == 0
                ? fmt::format(" sent ahead {:.1f} us,",
                              to_ms(point.handoff) * 1000)
                : fmt::format(" {:.0f} us {:.1f} us,", to_ms(point.wait) * 1000,
                              to_ms(point.handoff) * 1000);
  points.pop_back();
  std::cout << what << "-ups (the hand-off to " << core
            << " once it slept, after a wait of):" << points << "\n";
  if (wake.poll.modelled())
    std::cout << fmt::format(
      "{} poll: a message that finds the core still polling (at most {:.0f} "
      "us, adapting to the waits) reaches {} in {:.1f} us\n",
      what, to_ms(wake.poll.longest) * 1000, to_whom,
      to_ms(wake.poll.polled) * 1000);
  else
    std::cout << what << " poll: none (the messages that reached " << core
              << " while it waited took alike, or no poll window told them "
                 "apart)\n";
}

} // namespace

int profile_command(const profile_command_options& options) {
  return report_errors("troupe profile", [&] {
    auto model = find_model(options.repository, options.model);
    profiler_options po;
    po.batch_sizes = options.batch_sizes;
    po.threads = options.threads;
    po.data_dir = options.data_dir;
    po.hardware = options.hardware;
    po.cost = options.cost;
    po.refine_within = options.refine_within_percent / 100;
    po.serving_seconds = options.serving_seconds;
    po.idle_pause
      = std::chrono::microseconds(std::llround(options.idle_ms * 1000));
    if (options.progress)
      std::cerr << fmt::format(
        "profiling {} ({}) with {} LibTorch thread{}: rounds of every batch "
        "size, at least {} s per size, idle rows after {} ms pauses{}\n",
        model.name, model.model_file(), options.threads,
        options.threads == 1 ? "" : "s", po.min_seconds, options.idle_ms,
        po.refine_within > 0
          ? fmt::format("; then sizes halfway between two, where more than "
                        "{:g}% off their line",
                        options.refine_within_percent)
          : "");
    std::cout << fmt::format("{:>6} {:>10} {:>10} {:>14} {:>15} {:>15} {:>6}\n",
                             "batch", "p50 ms", "p99 ms", "throughput q/s",
                             "idle: p99 ms", "throughput q/s", "runs");
    run_stalls read;
    auto measured = measure_profile(model, po, [](const profiled_size& x) {
      std::cout << fmt::format(
        "{:>6} {:>10.3f} {:>10.3f} {:>14.1f} {:>15.3f} {:>15.1f} {:>6}{}\n",
        x.rows.row.batch_size, x.rows.median_ms, x.rows.row.p99_ms,
        x.rows.row.throughput_qps, x.rows.idle_row.p99_ms,
        x.rows.idle_row.throughput_qps, x.runs,
        x.added() ? fmt::format("  added: {:+.0f}% off its neighbours' line",
                                100 * x.departure)
                  : "")
                << std::flush;
    }, &read);
    auto peak = measured.peak_batch();
    if (peak < measured.max_batch())
      std::cout << fmt::format(
        "throughput peaks at batch {} ({:.1f} q/s): larger batches served "
        "fewer requests a second (batch {}: {:.1f} q/s), so a stage's "
        "max_batch above {} would add latency for less throughput\n",
        peak, measured.throughput_qps(peak), measured.max_batch(),
        measured.throughput_qps(measured.max_batch()), peak);
    std::cout << fmt::format("hand-off {:.1f} us, p99 {:.1f} us (one way, in "
                             "a serving run at half the batch-1 "
                             "throughput); the client's hop to the frontend "
                             "{:.1f} us, p99 {:.1f} us; its timer late by "
                             "{:.1f} us, p99 {:.1f} us\n",
                             to_ms(measured.handoff.median) * 1000,
                             to_ms(measured.handoff.p99) * 1000,
                             to_ms(measured.client_hop.median) * 1000,
                             to_ms(measured.client_hop.p99) * 1000,
                             to_ms(measured.timer_late.median) * 1000,
                             to_ms(measured.timer_late.p99) * 1000);
    print_wake("wake", "a replica", "the replica", measured.wake);
    print_wake("scheduler wake", "the scheduler's core", "the sink",
               measured.scheduler_wake);
    if (measured.idle_curve.empty()) {
      std::cout << "idle curve: none (idle rows under 5% over the rows, or "
                   "under 30 served passes waited)\n";
    } else {
      std::string points;
      for (const auto& point : measured.idle_curve)
        points += fmt::format(" {:.0f} us {:.0f}%/{:.0f}%,",
                              to_ms(point.wait) * 1000, point.share * 100,
                              point.tail_share * 100);
      points.pop_back();
      std::cout << "idle curve (batch 1; after a wait of: share of the idle "
                   "rows' extra time/of their extra p99):"
                << points << "\n";
    }
    if (measured.spell.modelled())
      std::cout << fmt::format(
        "machine spell: {:.0f}% of a pass's variance shared with the passes "
        "around it, fading by e over {:.1f} ms\n",
        measured.spell.share * 100, to_ms(measured.spell.duration));
    else
      std::cout << "machine spell: none (passes close in time had nothing "
                   "in common)\n";
    if (measured.stalls.modelled() || measured.scheduler_stalls.modelled())
      std::cout << "machine stalls: the replica's core "
                << to_string(measured.stalls) << "; the scheduler's "
                << to_string(measured.scheduler_stalls)
                << "\n  (as the serving run showed them: the replica's core "
                << to_string(read.replica) << "; the scheduler's "
                << to_string(read.scheduler)
                << "; a run shows only the stalls its work met, and of "
                   "each what was left)\n";
    else
      std::cout << fmt::format("machine stalls: none (no delay of {} ms "
                               "beyond its median in the serving run, or "
                               "a run under {} s)\n",
                               stall_threshold_ms, min_stall_span_s);
    std::cout << "wake stalls (a wake-up after a sleep past the poll "
                 "that met a stall; not in the machine stalls above): "
                 "the replica's core "
              << to_string(measured.wake.stalls) << "; the scheduler's "
              << to_string(measured.scheduler_wake.stalls)
              << "\n  (as the serving run showed them: the replica's core "
              << to_string(read.replica_wake) << "; the scheduler's "
              << to_string(read.scheduler_wake) << ")\n";
    if (measured.switch_rows.empty()) {
      std::cout << "switch rows: none (under 30 passes after a pass of the "
                   "same size and 30 after one of another, at every size)\n";
    } else {
      std::string factors;
      for (size_t i = 0; i < measured.rows.size(); ++i)
        factors += fmt::format(
          " {} x{:.2f},", measured.rows[i].batch_size,
          measured.rows[i].throughput_qps
            / measured.switch_rows[i].throughput_qps);
      factors.pop_back();
      std::cout << "switch rows (a pass right after a batch of another size "
                   "takes, per batch size):"
                << factors << "\n";
    }
    if (!options.out_file.empty()) {
      auto comment = fmt::format(
        "Measured by `troupe profile {}` ({} LibTorch thread{} per forward).\n"
        "Rows: batch size, p99 latency ms, throughput q/s, for passes right\n"
        "after another; idle rows for passes after an idle wait; idle_curve:\n"
        "[wait ms, share, tail share], how much of the idle rows' extra time\n"
        "and extra p99 a served pass pays after a shorter wait; handoff_ms\n"
        "and handoff_p99_ms: the runtime's hand-off between threads, which\n"
        "virtual time charges to a batch's results (and to the batch where\n"
        "there is no wake_curve); wake_curve: [the replica's wait ms,\n"
        "hand-off ms], the hand-off that brings a batch to a replica whose\n"
        "core slept, by how long it waited (wait 0: sent ahead);\n"
        "polled_handoff_ms and poll_longest_ms: the hand-off while the core\n"
        "still polls, and how long it polls at most; wake_stall_share and\n"
        "wake_stall_ms: how many of the wake-ups after 0.2 ms or more met a\n"
        "stall, and for how long (quantiles); scheduler_wake_curve (and\n"
        "scheduler_polled_handoff_ms, scheduler_poll_longest_ms,\n"
        "scheduler_wake_stall_share, scheduler_wake_stall_ms): the\n"
        "same for a batch's results to the scheduler's core, by how long it\n"
        "waited since its actors last handled a message; client_hop_ms and\n"
        "client_hop_p99_ms: the client's send to the frontend, charged once\n"
        "per request; timer_late_ms and timer_late_p99_ms: how late the\n"
        "client's timer wakes it for an arrival; spell_share and spell_ms:\n"
        "how much passes close in time have in common; stall_per_s and\n"
        "stall_ms: how often a replica's core stalls otherwise, per second,\n"
        "and for how long (quantiles), stall_burst_share,\n"
        "stall_burst_gap_ms and stall_burst_gaps: how they come in bursts,\n"
        "scheduler_stall_* the scheduler's core; stall_tail_index: the\n"
        "tail of every stall beyond the longest read; switch_rows: passes\n"
        "right after a batch of another size (docs/models.md). Name this\n"
        "file in a scenario's model_files, and set `hardware = \"{}\"` on\n"
        "the stage.",
        model.name, options.threads, options.threads == 1 ? "" : "s",
        options.hardware);
      if (read.replica.modelled() || read.scheduler.modelled()) {
        // What was measured beside what is placed: a reader can compare
        // (runtime/stall_calibration.hpp).
        std::ostringstream as_read;
        write_stall_keys(as_read, "stall", read.replica);
        write_stall_keys(as_read, "scheduler_stall", read.scheduler);
        comment += "\n\nThe stall keys are placed so that a virtual run of "
                   "the serving run shows the\nstalls the real one showed, "
                   "which were:\n" + as_read.str();
        comment.pop_back(); // the keys' last newline: no empty "#" line
      }
      write_file_atomically(options.out_file,
                            model_file_toml(model.name, measured, comment));
      std::cout << "wrote " << options.out_file << "\n";
    }
    return 0;
  });
}

} // namespace troupe
