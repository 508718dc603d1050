#include "runtime/handoff_probe.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "runtime/runner.hpp"
#include "runtime/scenario.hpp"
#include "runtime/statistics.hpp"
#include "runtime/stage_kind.hpp"
#include "runtime/stall_fit.hpp"

namespace troupe {

namespace {

/// The one-stage scenario, as a file (the loader resolves what a run needs).
std::string probe_scenario(const repository_model& model,
                           const handoff_options& options) {
  namespace fs = std::filesystem;
  auto repository = fs::absolute(fs::path(model.folder).parent_path());
  return fmt::format(
    "name = \"handoff probe\"\nslo_ms = 60000\nseed = 1\nrepository = {}\n"
    "[workload]\nkind = \"poisson\"\nrate_qps = {}\ncount = {}\n"
    "[inputs]\ndir = {}\n"
    "[[stages]]\nname = \"m\"\nkind = \"torch\"\nmodel = {}\n"
    "max_batch = {}\ninputs = [\"source\"]\n",
    toml_quoted(repository.string()), options.rate_qps, options.requests,
    toml_quoted(options.data_dir), toml_quoted(model.name),
    options.max_batch);
}

} // namespace

serving_probe probe_serving(const repository_model& model,
                            const handoff_options& options) {
  run_options real;
  real.clock = clock_kind::real_time;
  auto run = run_scenario_text(probe_scenario(model, options), real);
  return read_serving_run(run.outcomes.records);
}

serving_probe
read_serving_run(const std::vector<request_outcome>& records) {
  // Each sample with when it was taken: the tails are read in time order,
  // and stalls are found by time on each core.
  using timed = std::pair<caf::timespan, double>;
  std::vector<timed> to_replica_ms;
  std::vector<timed> to_sink_ms;
  // Each hand-off's batch: a wake-up's stall is the wake stalls' mark, not
  // the time path's (models/wake_stalls.hpp).
  std::vector<uint32_t> to_replica_batch;
  std::vector<uint32_t> to_sink_batch;
  std::vector<timed> hops_ms;
  // The passes by their batch's size: a larger batch's pass is longer, not
  // stalled.
  std::map<uint32_t, std::vector<timed>> compute_ms;
  // Per wake-up of the client, the first request it sent: the one its timer
  // was set for (requests sent together share the send's stamp).
  std::map<caf::timespan, caf::timespan> first_arrival_by_send;
  // One visit per batch: its requests share the batch's stamps, and reach
  // the sink together.
  std::vector<stage_visit> visits;
  // The scheduler's core: when its actors handled a message (a send, a
  // request reaching the frontend, results reaching the sink; a dispatch
  // follows one of these at once, and a batch sent ahead has its dequeue
  // stamped at the replica's finish, which is not the scheduler's), and
  // when each batch's results were done and reached the sink.
  struct on_scheduler {
    caf::timespan at;
    std::optional<caf::timespan> reached; // results: when at the sink
    uint32_t batch_id = 0;                // results: their batch
    // At one instant, messages before results.
    bool operator<(const on_scheduler& x) const {
      return at < x.at || (at == x.at && !reached && x.reached);
    }
  };
  std::vector<on_scheduler> day;
  std::set<uint32_t> batches;
  for (const auto& rec : records) {
    if (rec.kind != outcome_kind::completed || rec.req.trace.empty())
      continue;
    const auto& visit = rec.req.trace.back();
    auto started = visit.finish - visit.compute;
    if (batches.insert(visit.batch_id).second) {
      visits.push_back(visit);
      day.push_back({visit.finish, rec.finish, visit.batch_id});
      compute_ms[visit.batch_size].emplace_back(started,
                                                to_ms(visit.compute));
    }
    for (auto at : {sent_time(rec.req), visit.enqueue, rec.finish})
      day.push_back({at, std::nullopt});
    to_replica_ms.emplace_back(visit.dequeue, to_ms(started - visit.dequeue));
    to_sink_ms.emplace_back(visit.finish, to_ms(rec.finish - visit.finish));
    to_replica_batch.push_back(visit.batch_id);
    to_sink_batch.push_back(visit.batch_id);
    hops_ms.emplace_back(sent_time(rec.req),
                         to_ms(visit.enqueue - sent_time(rec.req)));
    auto [at, added] = first_arrival_by_send.emplace(sent_time(rec.req),
                                                     rec.req.arrival);
    if (!added)
      at->second = std::min(at->second, rec.req.arrival);
  }
  // The timer was due at the first arrival: a stall from then on made it
  // late.
  std::vector<timed> timer_late_ms;
  for (const auto& [sent, arrival] : first_arrival_by_send)
    timer_late_ms.emplace_back(arrival, to_ms(sent - arrival));
  serving_probe result;
  if (to_replica_ms.empty())
    return result;
  auto median_of = [](const std::vector<timed>& samples) {
    std::vector<double> ms;
    for (const auto& [at, value] : samples)
      ms.push_back(value);
    return summarize_latencies(ms).p50;
  };
  std::sort(visits.begin(), visits.end(), [](const auto& x, const auto& y) {
    return x.finish < y.finish;
  });
  // The machine's stalls. First those of wake-ups after a sleep past the
  // poll: the batches that reached the replica after it waited that long
  // since its last batch (the first one too: it waited since the start),
  // and the results that reached the scheduler's core after it did.
  auto replica_median = median_of(to_replica_ms);
  auto sink_median = median_of(to_sink_ms);
  std::set<uint32_t> replica_woke;
  std::vector<double> replica_wake_ms;
  for (size_t i = 0; i < visits.size(); ++i) {
    const auto& v = visits[i];
    if (i > 0 && v.dequeue - visits[i - 1].finish < wake_stall_after)
      continue;
    replica_woke.insert(v.batch_id);
    auto handoff = to_ms(v.finish - v.compute - v.dequeue);
    if (marks_stall(handoff, replica_median))
      replica_wake_ms.push_back(handoff - replica_median);
  }
  result.replica_wake_stalls = fit_wake_stalls(replica_wake_ms,
                                               replica_woke.size());
  // The scheduler's core in time order: each message its actors handled
  // after a wait woke it (its hand-off unknown here), and each batch's
  // results woke it after its wait then (their hand-off: to the sink); it
  // is busy until they arrive.
  std::sort(day.begin(), day.end());
  std::set<uint32_t> scheduler_woke;
  std::vector<double> scheduler_wake_ms;
  std::optional<caf::timespan> busy_until;
  for (const auto& x : day) {
    if (!busy_until) {
      busy_until = x.reached.value_or(x.at);
      continue;
    }
    auto wait = std::max(caf::timespan{0}, x.at - *busy_until);
    if (x.reached) {
      auto handoff = to_ms(*x.reached - x.at);
      result.results.push_back({to_ms(wait), handoff});
      busy_until = std::max(*busy_until, *x.reached);
      if (wait >= wake_stall_after) {
        scheduler_woke.insert(x.batch_id);
        if (marks_stall(handoff, sink_median))
          scheduler_wake_ms.push_back(handoff - sink_median);
      }
    } else if (x.at > *busy_until) {
      result.results.push_back({to_ms(wait), 0, false});
      busy_until = x.at;
    }
  }
  result.scheduler_wake_stalls = fit_wake_stalls(scheduler_wake_ms,
                                                 scheduler_woke.size());
  // Then the stalls in time, from each core's other delays that mark one.
  std::vector<std::vector<core_delay>> cores(2);
  auto add_delays = [&](const std::vector<timed>& samples,
                        std::vector<core_delay>& core,
                        const std::vector<uint32_t>* batch_of = nullptr,
                        const std::set<uint32_t>* woke = nullptr) {
    auto median = median_of(samples);
    for (size_t i = 0; i < samples.size(); ++i) {
      const auto& [at, value] = samples[i];
      if (woke && woke->count((*batch_of)[i]) > 0)
        continue;
      if (marks_stall(value, median))
        core.push_back({at, value - median});
    }
  };
  add_delays(to_replica_ms, cores[0], &to_replica_batch, &replica_woke);
  for (const auto& [size, passes] : compute_ms)
    add_delays(passes, cores[0]);
  add_delays(timer_late_ms, cores[1]);
  add_delays(hops_ms, cores[1]);
  add_delays(to_sink_ms, cores[1], &to_sink_batch, &scheduler_woke);
  auto first = first_arrival_by_send.begin()->second;
  auto last = to_sink_ms.front().first;
  for (const auto& [at, value] : to_sink_ms)
    last = std::max(last, at + from_ms(value));
  result.stalls = fit_stalls({cores[0]}, last - first);
  result.scheduler_stalls = fit_stalls({cores[1]}, last - first);
  auto share_of_run = [&](const std::vector<double>& ms) {
    double sum = 0;
    for (auto x : ms)
      sum += x;
    return last > first ? sum / to_ms(last - first) : 0.0;
  };
  result.replica_wake_time = share_of_run(replica_wake_ms);
  result.scheduler_wake_time = share_of_run(scheduler_wake_ms);
  // The median over the whole probe; the p99 without the stalls' marks
  // (virtual time places the stalls themselves), of the probe's typical
  // stretch (a burst of delays that a probe of two seconds may catch below
  // the stalls' mark would otherwise be drawn for 1% of every hand-off).
  auto median_and_p99 = [&](std::vector<timed> samples) {
    std::sort(samples.begin(), samples.end());
    auto median = median_of(samples);
    std::vector<double> unstalled;
    for (const auto& [at, value] : samples)
      if (!marks_stall(value, median))
        unstalled.push_back(value);
    handoff_time h;
    h.median = from_ms(std::max(0.0, median));
    h.p99 = std::max(h.median, from_ms(typical_percentile(unstalled, 99)));
    return h;
  };
  auto handoffs_ms = to_replica_ms;
  handoffs_ms.insert(handoffs_ms.end(), to_sink_ms.begin(), to_sink_ms.end());
  result.handoff = median_and_p99(handoffs_ms);
  result.client_hop = median_and_p99(hops_ms);
  result.timer_late = median_and_p99(timer_late_ms);
  // The passes in the order the replica served them (one request each). A
  // batch sent ahead had its dequeue stamped at the finish before it.
  for (size_t i = 1; i < visits.size(); ++i) {
    auto before = visits[i - 1].finish;
    auto start = visits[i].finish - visits[i].compute;
    result.passes.push_back({visits[i].dequeue <= before,
                             to_ms(start - before), to_ms(visits[i].compute),
                             visits[i].batch_size,
                             visits[i - 1].batch_size, to_ms(start),
                             to_ms(start - visits[i].dequeue)});
  }
  return result;
}

} // namespace troupe
