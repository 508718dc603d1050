#pragma once

// Sends a served batch on to a stage's successors by each request's route
// (stage_visit::route): a successor gets the requests routed to it, and the
// others as skipped (batch::skipped), so that joins and the sink hear from
// every input. Used by replicas, and by a frontend for the batches its
// replicas on nodes hand back.

#include <algorithm>
#include <vector>

#include "actors/run_member.hpp"
#include "messages/batch.hpp"

namespace troupe {

/// The request's route at `stage` (every successor without a visit there).
inline uint64_t route_at(const request& req, stage_id stage) {
  if (req.trace.empty() || req.trace.back().stage != stage)
    return all_successors;
  return req.trace.back().route;
}

/// True when every request goes to every one of `n` successors.
inline bool routed_everywhere(const batch& work, stage_id stage, size_t n) {
  auto all = n >= 64 ? all_successors : (uint64_t{1} << n) - 1;
  return std::all_of(work.requests.begin(), work.requests.end(),
                     [&](const request& req) {
                       return (route_at(req, stage) & all) == all;
                     });
}

/// Stamps `stage`'s finish time on every request of `work` and marks the
/// batch as coming from that stage.
inline void stamp_finish(batch& work, stage_id stage, caf::timespan now) {
  work.from = stage;
  for (auto& req : work.requests)
    if (!req.trace.empty() && req.trace.back().stage == stage)
      req.trace.back().finish = now;
}

/// Sends `work`, served at `stage`, to `successors` by route, arriving
/// `delay` later (see send_to_all).
template <class Self, class Handle>
void forward_by_route(Self* self, const std::vector<Handle>& successors,
                      stage_id stage, batch&& work,
                      caf::timespan delay = caf::timespan{0}) {
  auto n = successors.size();
  if (n == 0)
    return;
  if (routed_everywhere(work, stage, n)) {
    send_to_all(self, successors, std::move(work), delay);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    batch served{stage, {}, false};
    batch skipped{stage, {}, true};
    for (const auto& req : work.requests) {
      auto route = route_at(req, stage);
      (i < 64 && ((route >> i) & 1) ? served : skipped).requests.push_back(req);
    }
    if (!served.requests.empty())
      send_after(self, successors[i], std::move(served), delay);
    if (!skipped.requests.empty())
      send_after(self, successors[i], std::move(skipped), delay);
  }
}

} // namespace troupe
