#include "runtime/graph.hpp"

#include <caf/actor_cast.hpp>

#include "actors/client.hpp"
#include "actors/frontend.hpp"
#include "actors/join.hpp"
#include "actors/replica.hpp"
#include "actors/sink.hpp"

namespace troupe {

graph spawn_graph(caf::actor_system& sys, const scenario& sc,
                  std::shared_ptr<const arrival_times> arrivals,
                  caf::actor_clock::time_point epoch, run_probe* probe) {
  graph g;
  auto remember = [&g](const auto& handle) {
    g.actors.push_back(caf::actor_cast<caf::actor>(handle));
  };
  g.sink = sys.spawn(sink, sink_options{sc.leaves().size(), epoch}, probe);
  remember(g.sink);
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
    if (spec.kind == stage_kind::join) {
      auto handle = sys.spawn(join, join_options{id, spec.inputs.size(), epoch},
                              std::move(successors), probe);
      remember(handle);
      inputs[id] = handle;
      continue;
    }
    std::vector<replica_actor> replicas;
    for (uint32_t r = 0; r < spec.replicas; ++r) {
      replica_options opts;
      opts.stage = id;
      opts.index = static_cast<uint16_t>(r);
      opts.service = spec.service;
      opts.epoch = epoch;
      replicas.push_back(sys.spawn(replica, opts, successors, g.sink, probe));
      remember(replicas.back());
    }
    frontend_options opts;
    opts.stage = id;
    opts.inputs = spec.inputs.size();
    opts.queue_capacity = spec.queue_capacity;
    opts.batching.max_batch = spec.max_batch;
    opts.routing = spec.routing;
    opts.dropping = spec.dropping;
    opts.service = spec.service;
    opts.epoch = epoch;
    auto handle = sys.spawn(frontend, opts, std::move(replicas), g.sink, probe);
    remember(handle);
    inputs[id] = handle;
  }
  std::vector<stage_input_actor> roots;
  for (auto id : sc.roots())
    roots.push_back(inputs[id]);
  client_options opts;
  opts.arrivals = std::move(arrivals);
  opts.slo = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double, std::milli>{sc.slo_ms});
  opts.epoch = epoch;
  opts.trace_capacity = sc.stages.size() + 1;
  g.client = sys.spawn(client, opts, std::move(roots), g.sink, probe);
  remember(g.client);
  return g;
}

} // namespace troupe
