#include "runtime/runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include "models/data/data_set_cache.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"
#include "models/output_file.hpp"
#include "runtime/graph.hpp"
#include "runtime/run_protocol.hpp"
#include "runtime/stage_kind.hpp"
#include "runtime/thread_plan.hpp"
#include "runtime/system_config.hpp"

namespace troupe {

namespace {

using wall_clock = std::chrono::steady_clock;

double seconds_since(wall_clock::time_point start) {
  return std::chrono::duration<double>(wall_clock::now() - start).count();
}

/// Everything a run needs besides the actor system.
struct run_context {
  const scenario& sc;
  const run_options& options;
  std::shared_ptr<const arrival_times> arrivals;
  /// What the requests carry (options.inputs, or the scenario's [inputs]).
  std::vector<payload> inputs;
  run_result& result;
};

void report_progress(const run_context& ctx, run_protocol& protocol,
                     double simulated_s, wall_clock::time_point start) {
  if (!ctx.options.on_progress)
    return;
  run_progress p;
  p.simulated_s = simulated_s;
  if (auto counts = protocol.counts())
    p.ended = counts->ended;
  p.total = ctx.arrivals->size();
  p.wall_s = seconds_since(start);
  p.node_events = protocol.cluster_events_so_far();
  ctx.options.on_progress(p);
}

/// Requests known to miss their deadline at virtual time `now`: those that
/// ended late plus those that arrived more than the SLO ago and have not
/// ended (at least arrived-before(now - slo) minus all that ended).
uint64_t known_late(const run_context& ctx, const run_counts& counts,
                    caf::timespan now) {
  auto slo = from_ms(ctx.sc.slo_ms);
  const auto& arrivals = *ctx.arrivals;
  auto overdue = static_cast<uint64_t>(
    std::lower_bound(arrivals.begin(), arrivals.end(), now - slo)
    - arrivals.begin());
  return counts.late + (overdue > counts.ended ? overdue - counts.ended : 0);
}

/// Ends every request below `sent` that has no outcome yet as `kind` with
/// `reason` at `when`, so that the counts add up after an interrupted run.
void end_the_rest(const run_context& ctx, run_outcomes& outcomes,
                  uint64_t sent, outcome_kind kind, errc reason,
                  const std::string& error, caf::timespan when) {
  std::vector<request_outcome> all;
  all.reserve(sent);
  size_t next = 0;
  auto slo = from_ms(ctx.sc.slo_ms);
  for (uint64_t id = 0; id < sent; ++id) {
    if (next < outcomes.records.size() && outcomes.records[next].req.id == id) {
      all.push_back(std::move(outcomes.records[next++]));
      continue;
    }
    request_outcome x;
    x.req.id = id;
    x.req.arrival = (*ctx.arrivals)[id];
    x.req.deadline = x.req.arrival + slo;
    x.kind = kind;
    x.finish = std::max(when, x.req.arrival);
    x.reason = reason;
    x.error = error;
    all.push_back(std::move(x));
  }
  outcomes.records = std::move(all);
  outcomes.sent = sent;
}

/// An actor died: the client stops, the sink hands over what it has, and
/// every other request sent fails with errc::aborted. Sets the result's
/// interruption and returns the outcomes.
run_outcomes abort_run(const run_context& ctx, run_protocol& protocol,
                       const caf::down_msg& death, caf::timespan now) {
  auto who = protocol.name_of(death);
  auto why = protocol.self()->system().render(death.reason);
  auto sent = protocol.stop_client();
  auto counts = protocol.counts();
  auto outcomes = protocol.collect();
  run_outcomes result;
  if (outcomes)
    result = std::move(*outcomes);
  // Without the client's word: every request due by now, or the highest
  // one the sink saw.
  uint64_t total = 0;
  if (sent)
    total = *sent;
  else if (counts && counts->all_sent)
    total = counts->sent;
  else
    total = static_cast<uint64_t>(
      std::upper_bound(ctx.arrivals->begin(), ctx.arrivals->end(), now)
      - ctx.arrivals->begin());
  if (!result.records.empty())
    total = std::max(total, result.records.back().req.id + 1);
  total = std::min<uint64_t>(total, ctx.arrivals->size());
  auto ended = counts ? counts->ended : uint64_t{result.records.size()};
  auto in_flight = total > ended ? total - ended : 0;
  ctx.result.interruption = fmt::format(
    "{} died ({}) at {:.3f} s with {} request{} in flight; {} as "
    "'aborted'",
    who, why, to_seconds(now), in_flight, in_flight == 1 ? "" : "s",
    in_flight == 1 ? "it failed" : "they failed");
  end_the_rest(ctx, result, total, outcome_kind::failed, errc::aborted,
               ctx.result.interruption, now);
  return result;
}

/// The graph went idle: every request ended (the sink said so) or some
/// never will (a bug).
run_outcomes collect_all(run_protocol& protocol) {
  auto outcomes = protocol.collect();
  if (!outcomes)
    throw std::runtime_error("the sink did not hand over the outcomes: "
                             + protocol.self()->system().render(
                               outcomes.error()));
  return std::move(*outcomes);
}

/// Ctrl-C: the client stops, requests in flight get `grace` to end (real
/// time; a virtual run stops at once), the rest are dropped as cancelled.
run_outcomes cancel_run(const run_context& ctx, run_protocol& protocol,
                        caf::timespan now, caf::timespan grace) {
  auto sent = protocol.stop_client();
  auto deadline = wall_clock::now() + grace;
  while (wall_clock::now() < deadline) {
    auto e = protocol.take_message(deadline - wall_clock::now());
    if (e.all_ended || e.death)
      break;
  }
  auto outcomes = collect_all(protocol);
  auto total = sent ? *sent : outcomes.records.size();
  auto ended = outcomes.records.size();
  ctx.result.cancelled = true;
  ctx.result.interruption = fmt::format(
    "cancelled at {:.3f} s after {} requests were sent; {} did not end "
    "within the {:.1f} s grace period and were dropped as 'cancelled'",
    to_seconds(now), total, total > ended ? total - ended : 0,
    to_seconds(grace));
  end_the_rest(ctx, outcomes, total, outcome_kind::dropped, errc::cancelled,
               "", now + grace);
  return outcomes;
}

/// Watches a virtual run for a stall: every request sent, some in flight,
/// and none ended for `limit` of simulated time. Asks the sink for its
/// counts only every limit / 16 of simulated time.
class stall_watch {
public:
  explicit stall_watch(caf::timespan limit) : limit_(limit) {
    // nop
  }

  /// Whether the run has stalled at `now`.
  bool stalled(run_protocol& protocol, caf::timespan now) {
    if (limit_.count() <= 0 || now < next_check_)
      return false;
    next_check_ = now + limit_ / 16;
    auto counts = protocol.counts();
    if (!counts)
      return false;
    if (counts->ended != ended_ || !counts->all_sent
        || counts->ended >= counts->sent) {
      ended_ = counts->ended;
      since_ = now;
      return false;
    }
    return now - since_ >= limit_;
  }

  caf::timespan quiet_since() const {
    return since_;
  }

private:
  caf::timespan limit_;
  caf::timespan next_check_{0};
  caf::timespan since_{0};
  uint64_t ended_ = 0;
};

/// The run stalled: the requests still in flight fail as errc::stalled.
run_outcomes end_stalled_run(const run_context& ctx, run_protocol& protocol,
                             caf::timespan now, caf::timespan quiet_since) {
  auto sent = protocol.stop_client();
  auto outcomes = collect_all(protocol);
  auto total = sent ? *sent : outcomes.records.size();
  auto ended = outcomes.records.size();
  auto stuck = total > ended ? total - ended : 0;
  ctx.result.interruption = fmt::format(
    "stalled: no request ended from {:.3f} s to {:.3f} s (simulated) with "
    "{} still in flight; {} as 'stalled' (does a controller hold them "
    "forever?)",
    to_seconds(quiet_since), to_seconds(now), stuck,
    stuck == 1 ? "it failed" : "they failed");
  end_the_rest(ctx, outcomes, total, outcome_kind::failed, errc::stalled,
               ctx.result.interruption, now);
  return outcomes;
}

void run_virtual(const run_context& ctx) {
  auto threads = plan_threads(ctx.sc, clock_kind::virtual_time, 0);
  system_config cfg{clock_kind::virtual_time};
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(
    sys.scheduler());
  run_protocol protocol{sys,
                        spawn_graph(sys, ctx.sc, ctx.arrivals,
                                    {clock_kind::virtual_time, ctx.inputs,
                                     threads.torch_threads, ctx.result.seed,
                                     ctx.options.controllers}),
                        clock_kind::virtual_time, [&sched] { sched.run(); }};
  protocol.await_ready(ctx.options.ready_timeout);
  auto epoch = sched.clock().now();
  auto now = [&] { return sched.clock().now() - epoch; };
  protocol.start(epoch);
  auto start = wall_clock::now();
  auto last_report = start;
  auto& result = ctx.result;
  bool all_ended = false;
  std::optional<caf::down_msg> death;
  // Discrete-event loop: run every message due now, then jump to the next
  // delayed message.
  uint64_t steps = 0;
  uint64_t checked = 0;
  bool cancelled = false;
  stall_watch watch{ctx.options.stall_after};
  bool stalled = false;
  for (;;) {
    while (sched.try_run_once()) {
      if ((++steps & 0xFFFF) != 0)
        continue;
      if (ctx.options.cancelled && ctx.options.cancelled()) {
        cancelled = true;
        break;
      }
      if (ctx.options.on_progress
          && wall_clock::now() - last_report >= std::chrono::seconds(1)) {
        last_report = wall_clock::now();
        report_progress(ctx, protocol, to_seconds(now()), start);
      }
    }
    if (cancelled)
      break;
    // A death ends the run at the instant it happened.
    while (!death && protocol.has_message()) {
      auto e = protocol.take_message(caf::timespan{0});
      all_ended |= e.all_ended;
      death = std::move(e.death);
    }
    if (death)
      break;
    // Asking the sink costs messages: ask every few thousand messages, and
    // at the end. Stopping later changes nothing but the time spent: a
    // request known to be late stays late, so the run stops here (or at the
    // end) iff more than the limit end late.
    bool more = sched.has_pending_timeout();
    if (ctx.options.stop_after_late && (steps - checked >= 4096 || !more)) {
      checked = steps;
      auto counts = protocol.counts();
      if (counts
          && known_late(ctx, *counts, now()) > *ctx.options.stop_after_late) {
        result.stopped_early = true;
        break;
      }
    }
    if (more && watch.stalled(protocol, now())) {
      stalled = true;
      break;
    }
    if (!more || !sched.trigger_timeout())
      break;
  }
  result.wall_s = seconds_since(start);
  if (result.stopped_early) {
    protocol.shut_down();
    return;
  }
  if (death) {
    result.outcomes = abort_run(ctx, protocol, *death, now());
  } else if (cancelled) {
    result.outcomes = cancel_run(ctx, protocol, now(), caf::timespan{0});
  } else if (stalled) {
    result.outcomes = end_stalled_run(ctx, protocol, now(),
                                      watch.quiet_since());
  } else {
    while (!all_ended && protocol.has_message())
      all_ended |= protocol.take_message(caf::timespan{0}).all_ended;
    if (!all_ended) {
      auto counts = protocol.counts();
      throw std::runtime_error(fmt::format(
        "the actor graph went idle with {} requests unaccounted for (a bug: "
        "please report it)",
        ctx.arrivals->size() - (counts ? counts->ended : 0)));
    }
    result.outcomes = collect_all(protocol);
    result.scaling = protocol.scaling_samples(std::chrono::seconds(1));
  }
  result.events = protocol.events();
  protocol.shut_down();
}

void run_real(const run_context& ctx) {
  auto threads = plan_threads(ctx.sc, clock_kind::real_time,
                              ctx.options.threads);
  auto network = ctx.options.network;
  network.enabled = std::any_of(ctx.sc.stages.begin(), ctx.sc.stages.end(),
                                [](const stage_spec& s) {
                                  return !s.nodes.empty();
                                });
  system_config cfg{clock_kind::real_time, threads.actor_threads, network};
  // CAF's scheduler and clock threads start with the actor system and
  // inherit this thread's cores; this thread gets its own back after.
  std::optional<pinned_scope> on_actor_cores;
  if (threads.cores)
    on_actor_cores.emplace(threads.cores->actor_cores);
  caf::actor_system sys{cfg};
  on_actor_cores.reset();
  graph_settings settings{clock_kind::real_time, ctx.inputs,
                          threads.torch_threads, ctx.result.seed,
                          ctx.options.controllers};
  if (threads.cores)
    settings.replica_cores = threads.cores->replica_cores;
  settings.tls = network.tls();
  settings.spawn_timeout = ctx.options.ready_timeout;
  settings.remote_batch_timeout = ctx.options.remote_batch_timeout;
  run_protocol protocol{sys,
                        spawn_graph(sys, ctx.sc, ctx.arrivals,
                                    std::move(settings)),
                        clock_kind::real_time, [] {}};
  protocol.await_ready(ctx.options.ready_timeout);
  // Time zero a little ahead, so that sending run_start to every actor
  // does not eat into the first arrivals.
  auto epoch = sys.clock().now() + std::chrono::milliseconds(20);
  auto now = [&] { return sys.clock().now() - epoch; };
  protocol.start(epoch);
  auto start = wall_clock::now();
  auto last_report = start;
  auto& result = ctx.result;
  for (;;) {
    auto e = protocol.take_message(std::chrono::milliseconds(250));
    if (e.all_ended) {
      result.wall_s = seconds_since(start);
      result.outcomes = collect_all(protocol);
      // The scaler's last round comes at most an interval later.
      result.scaling = protocol.scaling_samples(
        2 * ctx.sc.scaling.interval + std::chrono::seconds(5));
      break;
    }
    if (e.death) {
      result.wall_s = seconds_since(start);
      result.outcomes = abort_run(ctx, protocol, *e.death, now());
      break;
    }
    if (ctx.options.cancelled && ctx.options.cancelled()) {
      result.outcomes = cancel_run(ctx, protocol, now(), ctx.options.grace);
      result.wall_s = seconds_since(start);
      break;
    }
    if (wall_clock::now() - last_report >= std::chrono::seconds(1)) {
      last_report = wall_clock::now();
      report_progress(ctx, protocol, to_seconds(now()), start);
    }
  }
  result.cluster = protocol.cluster_events();
  result.events = protocol.events();
  protocol.shut_down();
}

} // namespace

run_result run_scenario(const scenario& sc, const run_options& options) {
  for (const auto& spec : sc.stages) {
    // The loader refuses it too; `troupe run --scaling` sets a policy after.
    if (!spec.nodes.empty() && sc.scaling.policy != scaling_kind::none)
      throw input_error(sc.file, 0, "stages." + spec.name + ".nodes",
                        "a stage on nodes cannot be scaled yet: the scaling "
                        "policy must be none");
    const auto& kind = kind_of(spec);
    if (!kind.refuses)
      continue;
    auto why = kind.refuses(spec, options.clock);
    if (!why.empty())
      throw input_error(sc.file, 0, "stages." + spec.name, why);
  }
  run_result result;
  result.clock = options.clock;
  result.seed = options.seed.value_or(sc.seed);
  auto arrivals = options.arrivals;
  if (!arrivals)
    arrivals = std::make_shared<const arrival_times>(
      make_arrivals(sc, result.seed, options.count));
  auto inputs = options.inputs;
  if (inputs.empty() && sc.inputs)
    inputs = data_set_inputs(*sc.inputs, result.seed);
  run_context ctx{sc, options, std::move(arrivals), std::move(inputs), result};
  if (options.clock == clock_kind::virtual_time)
    run_virtual(ctx);
  else
    run_real(ctx);
  return result;
}

run_result run_scenario_text(const std::string& text,
                             const run_options& options) {
  namespace fs = std::filesystem;
  // One folder per call: measurements may run one after another, and
  // processes side by side.
  static std::atomic<uint64_t> calls{0};
  auto folder = fs::temp_directory_path()
                / fmt::format("troupe-scenario-{}-{}", ::getpid(), calls++);
  fs::create_directories(folder);
  try {
    auto file = (folder / "scenario.toml").string();
    write_file_atomically(file, text);
    auto run = run_scenario(load_scenario(file), options);
    fs::remove_all(folder);
    return run;
  } catch (...) {
    fs::remove_all(folder);
    throw;
  }
}

} // namespace troupe
