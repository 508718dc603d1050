#include "runtime/graph.hpp"

#include <caf/actor_cast.hpp>
#include <caf/spawn_options.hpp>

#include "actors/client.hpp"
#include "actors/cluster_keeper.hpp"
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

/// Spawns a replica in this process.
replica_actor spawn_launch(caf::actor_system& sys, replica_launch launch) {
  if (launch.detached)
    return sys.spawn<caf::detached>(replica, std::move(launch.options));
  return sys.spawn(replica, std::move(launch.options));
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
  opts.send_ahead = spec.send_ahead && spec.may_send_ahead();
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
  // Virtual time: the scheduler's core, whose wake-ups the replicas'
  // results pay (where the profiles measured them).
  auto scheduler = clock == clock_kind::virtual_time ? run_scheduler_core(sc, settings.seed)
                                                     : nullptr;
  g.sink = sys.spawn(sink, sink_options{sc.leaves().size(), arrivals->size(),
                                        scheduler});
  remember(g.sink, "the sink");
  // Replicas on nodes, in real time: the keeper spawns them there.
  cluster_keeper_options remote;
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
    stage_spawn_context ctx{sys,
                            sc,
                            clock,
                            settings.torch_threads,
                            settings.replica_cores,
                            settings.seed,
                            spec,
                            id,
                            std::move(successors),
                            g.sink,
                            scheduler};
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
    std::vector<uint16_t> joining;
    auto remote_from = remote.replicas.size();
    for (uint32_t r = 0; r < slots; ++r) {
      auto index = static_cast<uint16_t>(r);
      auto name = "replica " + std::to_string(r) + " of stage '" + spec.name
                  + "'";
      auto node = sc.node_of(id, index);
      if (!node) {
        replicas.push_back(kind.spawn_replica
                             ? kind.spawn_replica(ctx, index)
                             : spawn_launch(sys, kind.replica(ctx, index)));
        remember(replicas.back(), std::move(name));
        continue;
      }
      auto launch = kind.replica(ctx, index);
      launch.options.reports_to_frontend = true;
      if (clock == clock_kind::virtual_time) {
        // The node's hop includes its hand-offs.
        launch.options.network_hop = sc.nodes[*node].hop;
        launch.options.handoff = {};
        launch.options.scheduler = nullptr;
        replicas.push_back(spawn_launch(sys, std::move(launch)));
        remember(replicas.back(), name + " (node '" + sc.nodes[*node].name
                                    + "', simulated)");
        continue;
      }
      // The keeper spawns it on its node; the slot waits for it. The node's
      // cores are not this process's: one LibTorch thread per forward.
      for (auto& inference : launch.options.inference) {
        inference.threads = 1;
        inference.cores.clear();
      }
      replicas.emplace_back();
      joining.push_back(index);
      remote.replicas.push_back(keeper_replica{static_cast<uint32_t>(*node),
                                               index,
                                               std::move(launch.options),
                                               launch.detached,
                                               {}});
    }
    auto opts = frontend_base_options(sc, id);
    opts.successors = ctx.successors;
    opts.scheduler = scheduler;
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
    if (!joining.empty())
      opts.remote_batch_timeout = settings.remote_batch_timeout;
    opts.joining = std::move(joining);
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
    for (auto r = remote_from; r < remote.replicas.size(); ++r)
      remote.replicas[r].frontend = handle;
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
  if (!remote.replicas.empty()) {
    for (const auto& node : sc.nodes)
      remote.nodes.push_back(
        keeper_node{node.name, node.host, node.port, node.address()});
    for (const auto& spec : sc.stages)
      remote.stages.push_back(spec.name);
    remote.tls = settings.tls;
    remote.spawn_timeout = settings.spawn_timeout;
    g.keeper = sys.spawn(cluster_keeper, std::move(remote));
    remember(g.keeper, "the cluster keeper");
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
  if (clock == clock_kind::virtual_time) {
    opts.hop = client_hop_for(sc, settings.seed);
    opts.scheduler = scheduler;
  }
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
