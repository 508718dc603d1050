#include "runtime/scenario.hpp"

#include <algorithm>

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

std::vector<stage_id> scenario::consumers(stage_id id) const {
  std::vector<stage_id> result;
  for (size_t i = 0; i < stages.size(); ++i) {
    const auto& inputs = stages[i].input_ids;
    if (std::find(inputs.begin(), inputs.end(), id) != inputs.end())
      result.push_back(static_cast<stage_id>(i));
  }
  return result;
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

arrival_times make_arrivals(const scenario& sc, uint64_t seed,
                            std::optional<uint64_t> count) {
  const auto& w = sc.workload;
  uint64_t n = count ? *count : w.count;
  arrival_times result;
  if (w.kind == "deltas") {
    auto gaps = read_deltas(w.file);
    if (n > 0 && n < gaps.size())
      gaps.resize(n);
    result = arrivals_from_gaps(gaps);
  } else if (w.kind == "gamma") {
    result = arrivals_from_gaps(gamma_gaps(w.rate_qps, w.cv, n, seed));
  } else if (w.kind == "poisson") {
    result = arrivals_from_gaps(poisson_gaps(w.rate_qps, n, seed));
  } else if (w.kind == "sine") {
    sine_spec spec;
    spec.rate_qps = w.rate_qps;
    spec.period_s = w.period_s;
    spec.duration_s = w.duration_s;
    spec.interval_s = w.interval_s;
    result = sine_arrivals(spec, seed);
  } else if (w.kind == "trace") {
    auto steps = read_rate_trace(w.file);
    double end = w.duration_s;
    if (end <= 0) {
      // Without duration_s the last row lasts as long as the one before it.
      double step = steps.size() > 1
                      ? steps.back().time_s - steps[steps.size() - 2].time_s
                      : 1.0;
      end = steps.back().time_s + step;
    }
    result = trace_arrivals(steps, end, seed);
  }
  if (n > 0 && result.size() > n)
    result.resize(n);
  if (result.empty())
    throw input_error(sc.file, 0, "workload",
                      "the workload produces no requests");
  return result;
}

} // namespace troupe
