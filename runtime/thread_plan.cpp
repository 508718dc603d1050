#include "runtime/thread_plan.hpp"

#include <algorithm>

#include "runtime/scenario.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

/// Torch replicas in this process: those placed on nodes run on the
/// nodes' cores.
size_t torch_replicas(const scenario& sc) {
  size_t n = 0;
  for (size_t id = 0; id < sc.stages.size(); ++id) {
    const auto& spec = sc.stages[id];
    if (!kind_of(spec).runs_repository_models)
      continue;
    auto slots = sc.scaling.policy != scaling_kind::none && spec.service
                   ? std::max<size_t>(spec.replicas, sc.scaling.max_workers)
                   : spec.replicas;
    for (size_t r = 0; r < slots; ++r)
      n += sc.node_of(static_cast<stage_id>(id), static_cast<uint16_t>(r))
             ? 0
             : 1;
  }
  return n;
}

} // namespace

thread_plan plan_threads(const scenario& sc, clock_kind clock,
                         size_t threads) {
  return plan_threads(sc, clock, threads, cores_of_this_thread());
}

thread_plan plan_threads(const scenario& sc, clock_kind clock, size_t threads,
                         std::vector<int> allowed) {
  if (threads == 0)
    threads = allowed.empty() ? usable_cores() : allowed.size();
  thread_plan plan;
  plan.threads = threads;
  plan.actor_threads = threads;
  auto replicas = torch_replicas(sc);
  if (replicas == 0 || clock == clock_kind::virtual_time)
    return plan;
  plan.torch_threads = int(std::max<size_t>(1, (threads - 1) / replicas));
  plan.actor_threads = threads > replicas * size_t(plan.torch_threads)
                         ? threads - replicas * size_t(plan.torch_threads)
                         : 1;
  plan.oversubscribed = replicas * size_t(plan.torch_threads) + 1 > threads;
  // The replicas' threads get a core each, the actors the cores left.
  // Replicas whose threads outnumber the cores take turns better on every
  // core than on all but one: no split then.
  if (allowed.size() > threads)
    allowed.resize(threads);
  auto replica_threads = replicas * size_t(plan.torch_threads);
  if (allowed.size() > replica_threads)
    plan.cores = split_cores(allowed, allowed.size() - replica_threads);
  return plan;
}

} // namespace troupe
