#include "runtime/runner.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "models/durations.hpp"
#include "runtime/graph.hpp"

namespace troupe {

namespace {

using wall_clock = std::chrono::steady_clock;

double seconds_since(wall_clock::time_point start) {
  return std::chrono::duration<double>(wall_clock::now() - start).count();
}

class system_config : public caf::actor_system_config {
public:
  system_config(clock_kind clock, size_t threads) {
    add_message_types<caf::id_block::troupe>();
    add_error_category(error_category, [](uint8_t code, caf::atom_value,
                                          const caf::message& context) {
      auto text = to_string(static_cast<errc>(code));
      if (context.match_elements<std::string>())
        text += ": " + context.get_as<std::string>(0);
      return text;
    });
    if (clock == clock_kind::virtual_time) {
      set("scheduler.policy", caf::atom("testing"));
    } else {
      if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
      set("scheduler.max-threads", threads);
    }
  }
};

/// Everything a run needs besides the actor system.
struct run_context {
  const scenario& sc;
  const run_options& options;
  std::shared_ptr<const arrival_times> arrivals;
  run_probe probe;
};

void report_progress(run_context& ctx, double simulated_s,
                     wall_clock::time_point start) {
  if (!ctx.options.on_progress)
    return;
  run_progress p;
  p.simulated_s = simulated_s;
  p.ended = ctx.probe.ended.load(std::memory_order_relaxed);
  p.total = ctx.arrivals->size();
  p.wall_s = seconds_since(start);
  ctx.options.on_progress(p);
}

/// Asks every actor to stop. Their states (and event counts) are gone once
/// the coordinator ran the exits (virtual) or the actor system shut down
/// (real: its destructor waits for all actors).
void shut_down(caf::scoped_actor& self, const graph& g) {
  for (const auto& a : g.actors)
    self->send_exit(a, caf::exit_reason::user_shutdown);
}

/// Requests known to miss their deadline at virtual time `now`: those that
/// ended late plus those that arrived more than the SLO ago and have not
/// ended (at least arrived-before(now - slo) minus all that ended).
uint64_t known_late(const run_context& ctx, caf::timespan now) {
  auto late = ctx.probe.late.load(std::memory_order_relaxed);
  auto ended = ctx.probe.ended.load(std::memory_order_relaxed);
  auto slo = from_ms(ctx.sc.slo_ms);
  const auto& arrivals = *ctx.arrivals;
  auto overdue = static_cast<uint64_t>(
    std::lower_bound(arrivals.begin(), arrivals.end(), now - slo)
    - arrivals.begin());
  return late + (overdue > ended ? overdue - ended : 0);
}

/// Asks the scaler (if any) for its samples; it answers after its last
/// round, at most an interval after the last request ended. `drive` runs
/// the scheduler until the answer can be there (virtual time) or does
/// nothing (real).
template <class Drive>
scaling_history collect_scaling(caf::scoped_actor& self, const graph& g,
                                const scenario& sc, Drive drive) {
  scaling_history result;
  if (!g.scaler)
    return result;
  self->send(g.scaler, history_atom_v);
  drive();
  auto wait = from_seconds(2 * sc.scaling.interval_s + 5);
  self->receive([&](scaling_history& x) { result = std::move(x); },
                caf::after(wait) >> [] {});
  return result;
}

run_outcomes run_virtual(run_context& ctx, double& wall_s,
                         bool& stopped_early, scaling_history& scaling) {
  system_config cfg{clock_kind::virtual_time, 0};
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(
    sys.scheduler());
  auto epoch = sched.clock().now();
  auto g = spawn_graph(sys, ctx.sc, ctx.arrivals, epoch,
                       clock_kind::virtual_time, &ctx.probe,
                       std::make_shared<sink_storage>(ctx.arrivals->size()));
  caf::scoped_actor self{sys};
  self->send(g.sink, collect_atom_v);
  self->send(g.client, emit_atom_v);
  auto start = wall_clock::now();
  auto last_report = start;
  // Discrete-event loop: run every message due now, then jump to the next
  // delayed message.
  uint64_t steps = 0;
  for (;;) {
    while (sched.try_run_once()) {
      if ((++steps & 0xFFFF) == 0 && ctx.options.on_progress
          && wall_clock::now() - last_report >= std::chrono::seconds(1)) {
        last_report = wall_clock::now();
        report_progress(ctx,
                        std::chrono::duration<double>(sched.clock().now()
                                                      - epoch)
                          .count(),
                        start);
      }
    }
    if (ctx.options.stop_after_late
        && known_late(ctx, sched.clock().now() - epoch)
             > *ctx.options.stop_after_late) {
      stopped_early = true;
      break;
    }
    if (!sched.trigger_timeout())
      break;
  }
  wall_s = seconds_since(start);
  if (stopped_early) {
    shut_down(self, g);
    sched.run();
    return {};
  }
  run_outcomes result;
  bool answered = false;
  self->receive([&](run_outcomes& x) {
    result = std::move(x);
    answered = true;
  },
                caf::after(std::chrono::seconds(0)) >> [] {});
  scaling = collect_scaling(self, g, ctx.sc, [&] { sched.run(); });
  shut_down(self, g);
  sched.run();
  if (!answered)
    throw std::runtime_error(
      "the actor graph went idle with "
      + std::to_string(ctx.arrivals->size()
                       - ctx.probe.ended.load(std::memory_order_relaxed))
      + " requests unaccounted for (a bug: please report it)");
  return result;
}

run_outcomes run_real(run_context& ctx, double& wall_s,
                      scaling_history& scaling) {
  system_config cfg{clock_kind::real_time, ctx.options.threads};
  caf::actor_system sys{cfg};
  // The records' room first (it takes a while for millions of requests),
  // then time zero a little ahead, so that spawning does not eat into the
  // first arrivals: the client's first emit waits until then.
  auto storage = std::make_shared<sink_storage>(ctx.arrivals->size());
  auto epoch = sys.clock().now() + std::chrono::milliseconds(20);
  auto g = spawn_graph(sys, ctx.sc, ctx.arrivals, epoch,
                       clock_kind::real_time, &ctx.probe, std::move(storage));
  caf::scoped_actor self{sys};
  auto start = wall_clock::now();
  self->send(g.sink, collect_atom_v);
  self->send(g.client, emit_atom_v);
  run_outcomes result;
  bool answered = false;
  while (!answered) {
    self->receive(
      [&](run_outcomes& x) {
        result = std::move(x);
        answered = true;
      },
      caf::after(std::chrono::seconds(1)) >> [&] {
        report_progress(ctx, seconds_since(start), start);
      });
  }
  wall_s = seconds_since(start);
  scaling = collect_scaling(self, g, ctx.sc, [] {});
  shut_down(self, g);
  return result;
}

} // namespace

run_result run_scenario(const scenario& sc, const run_options& options) {
  run_result result;
  result.clock = options.clock;
  result.seed = options.seed.value_or(sc.seed);
  auto arrivals = options.arrivals;
  if (!arrivals)
    arrivals = std::make_shared<const arrival_times>(
      make_arrivals(sc, result.seed, options.count));
  run_context ctx{sc, options, std::move(arrivals), {}};
  if (options.clock == clock_kind::virtual_time)
    result.outcomes = run_virtual(ctx, result.wall_s, result.stopped_early,
                                  result.scaling);
  else
    result.outcomes = run_real(ctx, result.wall_s, result.scaling);
  // The actor system is gone: every actor added its count to the probe.
  result.events = ctx.probe.events.load();
  return result;
}

} // namespace troupe
