#include "actors/join_buffer.hpp"

#include <algorithm>

namespace troupe {

namespace {

/// Appends the visits of `from` to `into` that `into` does not hold yet (in a
/// diamond, the stages before the fork appear in both copies).
void merge_trace(std::vector<stage_visit>& into,
                 std::vector<stage_visit>& from) {
  for (auto& visit : from) {
    auto same_stage = [&](const stage_visit& x) {
      return x.stage == visit.stage;
    };
    if (std::none_of(into.begin(), into.end(), same_stage))
      into.push_back(visit);
  }
}

} // namespace

std::optional<join_buffer::joined> join_buffer::add(request&& x,
                                                    caf::timespan now,
                                                    bool skipped) {
  if (inputs_ <= 1)
    return joined{std::move(x), now, skipped};
  auto [it, fresh] = pending_.try_emplace(x.id);
  auto& e = it->second;
  if (!skipped && x.result && !x.result->empty())
    e.outputs.push_back(std::move(*x.result));
  if (fresh) {
    e.first_seen = now;
    e.merged = std::move(x);
    e.served = !skipped;
  } else if (!skipped && !e.served) {
    // The first served copy becomes the base. Skipped copies add their
    // visits too: a stage may have served the request before a fork after
    // it skipped this branch.
    merge_trace(x.trace, e.merged.trace);
    e.merged = std::move(x);
    e.served = true;
  } else {
    merge_trace(e.merged.trace, x.trace);
  }
  if (++e.seen < inputs_)
    return std::nullopt;
  if (!e.outputs.empty())
    e.merged.result = combine(e.outputs, combining_);
  joined result{std::move(e.merged), e.first_seen, !e.served};
  pending_.erase(it);
  return result;
}

} // namespace troupe
