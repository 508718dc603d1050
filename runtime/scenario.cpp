#include "runtime/scenario.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <stdexcept>

#include "models/data/data_set_cache.hpp"
#include "models/durations.hpp"
#include "models/input_error.hpp"

namespace troupe {

std::shared_ptr<const profile>
model_spec::on(const std::string& hardware) const {
  for (const auto& p : profiles)
    if (p->hardware == hardware)
      return p;
  return nullptr;
}

double stage_spec::cost() const {
  return service ? replicas * service->cost : 0.0;
}

bool stage_spec::may_send_ahead() const {
  return nodes.empty() && controller.empty()
         && make_batching_policy({batching, max_queue_delay})->sizes_ahead()
         && !make_dropping_policy(dropping)->checks_dequeue();
}

std::vector<payload> data_set_inputs(const inputs_spec& spec, uint64_t seed) {
  auto data = shared_fashion_mnist(spec.dir, data_split::test);
  auto n = data->size();
  if (spec.images > 0)
    n = std::min<size_t>(n, spec.images);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  if (spec.order == "shuffled") {
    // Fisher-Yates with our own draws: std::shuffle's algorithm differs
    // between standard libraries, and runs must repeat everywhere.
    std::mt19937_64 rng{seed};
    for (size_t i = n; i > 1; --i)
      std::swap(order[i - 1], order[rng() % i]);
  }
  std::vector<payload> result(n);
  for (size_t k = 0; k < n; ++k) {
    result[k].sample = static_cast<int64_t>(order[k]);
    result[k].label = data->labels[order[k]];
  }
  return result;
}

std::vector<stage_id> scenario::consumers(stage_id id) const {
  std::vector<stage_id> result;
  for (size_t i = 0; i < stages.size(); ++i) {
    const auto& inputs = stages[i].input_ids;
    if (std::find(inputs.begin(), inputs.end(), id) != inputs.end())
      result.push_back(static_cast<stage_id>(i));
  }
  return result;
}

std::string node_spec::address() const {
  auto shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return shown + ":" + std::to_string(port);
}

std::optional<size_t> scenario::node_of(stage_id id,
                                        uint16_t replica) const {
  const auto& placed = stages[id].nodes;
  if (placed.empty())
    return std::nullopt;
  const auto& name = placed[replica % placed.size()];
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == name)
      return i;
  return std::nullopt;
}

std::vector<stage_id> scenario::leaves() const {
  std::vector<stage_id> result;
  for (size_t i = 0; i < stages.size(); ++i)
    if (consumers(static_cast<stage_id>(i)).empty())
      result.push_back(static_cast<stage_id>(i));
  return result;
}

std::vector<stage_id> scenario::roots() const {
  return consumers(source_stage);
}

double scenario::cost() const {
  double sum = 0;
  for (const auto& s : stages)
    sum += s.cost();
  return sum;
}

std::vector<double> scenario::stage_slo_ms() const {
  auto n = stages.size();
  std::vector<double> own(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (stages[i].service)
      own[i] = to_ms(stages[i].service->service_time(1));
  // Longest service path from the source to each stage (inclusive), and
  // from each stage to a leaf (inclusive).
  std::vector<double> to(n, 0);
  for (auto id : topological_order) {
    double best = 0;
    for (auto input : stages[id].input_ids)
      if (input != source_stage)
        best = std::max(best, to[input]);
    to[id] = best + own[id];
  }
  std::vector<double> from(n, 0);
  for (auto it = topological_order.rbegin(); it != topological_order.rend();
       ++it) {
    double best = 0;
    for (auto consumer : consumers(*it))
      best = std::max(best, from[consumer]);
    from[*it] = best + own[*it];
  }
  std::vector<double> result(n, 0);
  for (size_t i = 0; i < n; ++i) {
    auto path = to[i] + from[i] - own[i];
    if (path > 0)
      result[i] = slo_ms * own[i] / path;
  }
  return result;
}

arrival_times make_arrivals(const scenario& sc, uint64_t seed,
                            std::optional<uint64_t> count) {
  const auto& w = sc.workload;
  // --count caps: at most the workload's own count, where it has one.
  uint64_t n = w.count;
  if (count)
    n = n > 0 ? std::min(n, *count) : *count;
  // Generators stop one past the most a run sends, so that a workload
  // beyond it is refused instead of filling the memory.
  uint64_t limit = n > 0 ? std::min(n, max_requests + 1) : max_requests + 1;
  arrival_times result;
  try {
    if (w.kind == "deltas") {
      result = arrivals_from_gaps(read_deltas(w.file, limit));
    } else if (w.kind == "gamma") {
      result = arrivals_from_gaps(gamma_gaps(w.rate_qps, w.cv, limit, seed));
    } else if (w.kind == "poisson") {
      result = arrivals_from_gaps(poisson_gaps(w.rate_qps, limit, seed));
    } else if (w.kind == "sine") {
      sine_spec spec;
      spec.rate_qps = w.rate_qps;
      spec.period_s = w.period_s;
      spec.duration_s = w.duration_s;
      spec.interval_s = w.interval_s;
      result = sine_arrivals(spec, seed, limit);
    } else if (w.kind == "wave") {
      result = trace_arrivals(wave_rates(w.wave, seed),
                              wave_duration_s(w.wave), seed, limit);
    } else if (w.kind == "trace") {
      auto steps = read_rate_trace(w.file);
      double end = w.duration_s;
      if (end <= 0) {
        // Without duration_s the last row lasts as long as the one before.
        double step = steps.size() > 1 ? steps.back().time_s
                                           - steps[steps.size() - 2].time_s
                                       : 1.0;
        end = steps.back().time_s + step;
      }
      result = trace_arrivals(steps, end, seed, limit);
    }
  } catch (const std::range_error& err) {
    throw input_error(sc.file, 0, "workload",
                      std::string{err.what()}
                        + ": raise the rate or send fewer requests");
  }
  if (result.size() > max_requests)
    throw input_error(sc.file, 0, "workload",
                      "the workload sends more than "
                        + std::to_string(max_requests)
                        + " requests, the most one run holds: set its count, "
                          "or --count");
  if (result.empty())
    throw input_error(sc.file, 0, "workload",
                      "the workload produces no requests");
  return result;
}

} // namespace troupe
