#include "actors/core_pinning.hpp"

#include <algorithm>
#include <thread>

#include <pthread.h>
#include <sched.h>

namespace troupe {

std::optional<core_split> split_cores(const std::vector<int>& allowed,
                                      size_t actor_cores) {
  actor_cores = std::max<size_t>(actor_cores, 1);
  if (allowed.size() <= actor_cores)
    return std::nullopt;
  auto first_replica_core = allowed.begin() + std::ptrdiff_t(actor_cores);
  return core_split{{allowed.begin(), first_replica_core},
                    {first_replica_core, allowed.end()}};
}

std::vector<int> cores_of_this_thread() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cores;
  if (pthread_getaffinity_np(pthread_self(), sizeof(set), &set) != 0)
    return cores;
  for (int core = 0; core < CPU_SETSIZE; ++core)
    if (CPU_ISSET(core, &set))
      cores.push_back(core);
  return cores;
}

size_t usable_cores() {
  auto cores = cores_of_this_thread().size();
  if (cores == 0)
    cores = std::thread::hardware_concurrency();
  return std::max<size_t>(cores, 1);
}

bool pin_this_thread(const std::vector<int>& cores) {
  if (cores.empty())
    return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (auto core : cores)
    if (core >= 0 && core < CPU_SETSIZE)
      CPU_SET(core, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

pinned_scope::pinned_scope(const std::vector<int>& cores)
  : before_(cores_of_this_thread()) {
  pinned_ = !before_.empty() && pin_this_thread(cores);
}

pinned_scope::~pinned_scope() {
  if (pinned_)
    pin_this_thread(before_);
}

} // namespace troupe
