#include "runtime/graph.hpp"

#include <caf/actor_cast.hpp>

#include "actors/client.hpp"
#include "actors/frontend.hpp"
#include "actors/scaler.hpp"
#include "actors/sink.hpp"
#include "models/durations.hpp"
#include "runtime/controller_kind.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

/// The scaling settings the actors use: the oracle knows when workers will
/// be needed, so it retires them without delay.
scaling_spec effective_scaling(const scenario& sc) {
  auto spec = sc.scaling;
  if (spec.policy == scaling_kind::oracle)
    spec.scale_down_delay = caf::timespan{0};
  return spec;
}

} // namespace

frontend_options frontend_base_options(const scenario& sc, stage_id id) {
  const auto& spec = sc.stages[id];
  frontend_options opts;
  opts.stage = id;
  opts.inputs = spec.inputs.size();
  opts.queue_capacity = spec.queue_capacity;
  opts.batching = spec.batching;
  opts.max_queue_delay = spec.max_queue_delay;
  opts.max_batch = spec.max_batch;
  opts.stage_slo = from_ms(sc.stage_slo_ms()[id]);
  opts.routing = spec.routing;
  opts.dropping = spec.dropping;
  if (spec.service)
    opts.service = *spec.service;
  opts.pool.initial = spec.replicas;
  return opts;
}

graph spawn_graph(caf::actor_system& sys, const scenario& sc,
                  std::shared_ptr<const arrival_times> arrivals,
                  graph_settings settings) {
  auto clock = settings.clock;
  graph g;
  auto scaling = effective_scaling(sc);
  bool scales = scaling.policy != scaling_kind::none;
  auto stage_slo = sc.stage_slo_ms();
  std::vector<scaled_stage> scaled(sc.stages.size());
  auto remember = [&g](const auto& handle, std::string name) {
    g.members.push_back({caf::actor_cast<caf::actor>(handle),
                         std::move(name)});
  };
  g.sink = sys.spawn(sink, sink_options{sc.leaves().size(), arrivals->size()});
  remember(g.sink, "the sink");
  // Spawn consumers before producers: walk the topological order backwards.
  std::vector<stage_input_actor> inputs(sc.stages.size());
  for (auto it = sc.topological_order.rbegin();
       it != sc.topological_order.rend(); ++it) {
    auto id = *it;
    const auto& spec = sc.stages[id];
    std::vector<stage_input_actor> successors;
    for (auto consumer : sc.consumers(id))
      successors.push_back(inputs[consumer]);
    if (successors.empty())
      successors.push_back(g.sink);
    const auto& kind = kind_of(spec);
    stage_spawn_context ctx{sys,  sc, clock,  settings.torch_threads,
                            settings.seed, spec, id, std::move(successors),
                            g.sink};
    if (!kind.replicated) {
      auto handle = kind.spawn_stage(ctx);
      remember(handle, spec.kind + " stage '" + spec.name + "'");
      inputs[id] = handle;
      continue;
    }
    // Stages with a profile are the ones a scaler sizes.
    bool scaled_here = scales && spec.service;
    auto slots = scaled_here ? std::max(spec.replicas, scaling.max_workers)
                             : spec.replicas;
    std::vector<replica_actor> replicas;
    for (uint32_t r = 0; r < slots; ++r) {
      replicas.push_back(kind.spawn_replica(ctx, static_cast<uint16_t>(r)));
      remember(replicas.back(), "replica " + std::to_string(r) + " of stage '"
                                  + spec.name + "'");
    }
    auto opts = frontend_base_options(sc, id);
    opts.successors = ctx.successors;
    if (!spec.controller.empty()) {
      const controller_kind* controller = nullptr;
      for (const auto& own : settings.controllers)
        if (own.name == spec.controller)
          controller = &own;
      if (controller == nullptr)
        controller = find_controller_kind(spec.controller);
      opts.controller = controller->spawn(
        {sys, sc, spec, id, clock, settings.seed});
      remember(opts.controller, "the controller of stage '" + spec.name + "'");
      // Real time has the controller's real latency instead.
      if (clock == clock_kind::virtual_time)
        opts.decision_time = from_ms(spec.decision_ms);
    }
    opts.replicas = std::move(replicas);
    opts.sink = g.sink;
    if (scaled_here) {
      auto hardware_cost = spec.service->cost;
      opts.pool.cold_start = scaling.cold_start;
      opts.pool.scale_down_delay = scaling.scale_down_delay;
      opts.pool.running_cost_per_s = hardware_cost
                                     * scaling.running_cost_per_s;
      opts.pool.idle_cost_per_s = hardware_cost * scaling.idle_cost_per_s;
      // A hundred buckets per interval: fine enough for the tuner's
      // shortest envelope windows.
      opts.load_bucket = scaling.interval / 100;
    }
    auto handle = sys.spawn(frontend, std::move(opts));
    remember(handle, "the frontend of stage '" + spec.name + "'");
    inputs[id] = handle;
    if (scaled_here)
      scaled[id].frontend = handle;
  }
  if (scales) {
    scaler_options so;
    so.spec = scaling;
    so.arrivals = *arrivals;
    so.sink = g.sink;
    for (auto id : sc.topological_order) {
      auto& s = scaled[id];
      const auto& spec = sc.stages[id];
      s.stage = id;
      if (spec.service)
        s.service = *spec.service;
      s.inputs = spec.input_ids;
      s.stage_slo_ms = stage_slo[id];
      s.planned_batch = spec.max_batch;
      so.stages.push_back(s);
    }
    g.scaler = sys.spawn(scaler, std::move(so));
    remember(g.scaler, "the scaler");
  }
  std::vector<stage_input_actor> roots;
  for (auto id : sc.roots())
    roots.push_back(inputs[id]);
  client_options opts;
  opts.arrivals = *arrivals;
  opts.roots = std::move(roots);
  opts.sink = g.sink;
  opts.slo = from_ms(sc.slo_ms);
  opts.inputs = std::move(settings.request_inputs);
  opts.trace_capacity = sc.stages.size() + 1;
  if (clock == clock_kind::real_time) {
    opts.paced_by_sink = true;
    // Below the timer's lateness (100 to 150 us here), short enough that
    // the echoes cost little CPU when arrivals are sparse.
    opts.pace_horizon = std::chrono::microseconds(30);
  }
  g.client = sys.spawn(client, std::move(opts));
  remember(g.client, "the client");
  return g;
}

} // namespace troupe
