// Scaling (InferLine's tuner and seed 004's rule): on bursty workloads,
// each scaling policy's SLO attainment and worker cost against
//  - the hindsight oracle: it knows each interval's true arrivals, runs
//    ceil(h * rate / thr(b*)) workers, boots them a cold start ahead and
//    retires them at once; h is the smallest of 1, 1.05, 1.1, ... whose run
//    attains 99%;
//  - static provisioning for the peak: every stage keeps, for the whole run,
//    the most workers (and their batch size) the oracle ever used.
// Costs are seed 004's: per worker-second running (1e-3) or idle (0.3e-3),
// times the hardware's cost.

#include <fmt/format.h>

#include "bench/bench.hpp"

namespace troupe::bench {

namespace {

struct scaling_run {
  std::string label;
  scaling_kind policy = scaling_kind::none;
  run_summary summary;

  /// A policy that only sees the past (the targets are about these).
  bool reacts() const {
    return policy == scaling_kind::seed || policy == scaling_kind::tuner;
  }
};

scaling_run run_with(const std::string& label, const scenario& sc) {
  auto result = run_scenario(sc, run_options{});
  return scaling_run{label, sc.scaling.policy, summarize(sc, result)};
}

std::string workers_text(const run_summary& s) {
  std::string text;
  for (const auto& st : s.stages)
    text += fmt::format("{}{} {:.1f}", text.empty() ? "" : ", ", st.name,
                        st.mean_workers);
  return text;
}

/// The oracle with the smallest headroom that attains 99%, and its history.
std::pair<scaling_run, scaling_history> find_oracle(scenario sc) {
  sc.scaling.policy = scaling_kind::oracle;
  for (int step = 0;; ++step) {
    sc.scaling.headroom = 1.0 + 0.05 * step;
    auto result = run_scenario(sc, run_options{});
    auto summary = summarize(sc, result);
    if (summary.slo_attainment >= 0.99 || step == 20)
      return {scaling_run{fmt::format("oracle (h = {:.2f})",
                                      sc.scaling.headroom),
                          sc.scaling.policy, summary},
              result.scaling};
  }
}

/// Every scaled stage fixed at the oracle's largest worker count, batching
/// as the oracle did at the highest rate.
scenario static_peak(scenario sc, const scaling_history& oracle) {
  sc.scaling.policy = scaling_kind::none;
  for (size_t i = 0; i < sc.stages.size(); ++i) {
    auto& stage = sc.stages[i];
    if (!stage.service)
      continue;
    uint32_t most = 0;
    double peak_qps = -1;
    for (const auto& x : oracle.samples) {
      if (x.stage != i)
        continue;
      most = std::max(most, x.target);
      if (x.predicted_qps > peak_qps) {
        peak_qps = x.predicted_qps;
        stage.max_batch = x.max_batch;
      }
    }
    stage.replicas = std::max(1u, most);
  }
  return sc;
}

} // namespace

int scaling(const std::vector<std::string>& scenario_files) {
  fmt::print("| workload | policy | SLO attainment | P99 ms | dropped | mean "
             "workers | worker cost | / oracle | / static peak |\n"
             "|---|---|---|---|---|---|---|---|---|\n");
  std::string verdicts;
  for (const auto& file : scenario_files) {
    auto sc = load_scenario(file);
    auto [oracle, history] = find_oracle(sc);
    std::vector<scaling_run> runs;
    auto seed = sc;
    seed.scaling.policy = scaling_kind::seed;
    for (uint32_t margin : {0u, 1u, 2u}) {
      seed.scaling.margin = margin;
      runs.push_back(run_with(
        fmt::format("seed rule, margin {}{}", margin,
                    margin == 1 ? " (seed 004)" : ""),
        seed));
    }
    seed.scaling.margin = 0;
    for (double headroom : {1.1, 1.2, 1.3, 1.5}) {
      seed.scaling.headroom = headroom;
      runs.push_back(run_with(
        fmt::format("seed rule, headroom {:.1f}", headroom), seed));
    }
    auto tuner = sc;
    tuner.scaling.policy = scaling_kind::tuner;
    runs.push_back(run_with("InferLine tuner", tuner));
    auto peak = run_with("static for the peak", static_peak(sc, history));
    runs.push_back(peak);
    runs.push_back(oracle);
    bool met = false;
    for (const auto& r : runs) {
      const auto& s = r.summary;
      auto vs_oracle = s.worker_cost / oracle.summary.worker_cost;
      if (r.reacts())
        met = met || (s.slo_attainment >= 0.99 && vs_oracle <= 1.2);
      fmt::print("| {} | {} | {:.2f}% | {:.1f} | {} | {} | {:.3f} | {:.2f} | "
                 "{:.2f} |\n",
                 sc.name, r.label, 100 * s.slo_attainment, s.latency_ms.p99,
                 s.dropped, workers_text(s), s.worker_cost, vs_oracle,
                 s.worker_cost / peak.summary.worker_cost);
      std::fflush(stdout);
    }
    verdicts += fmt::format("{}: a real policy with >= 99% attainment at <= "
                            "1.2x the oracle's cost: {}\n",
                            sc.name, met ? "met" : "MISSED");
  }
  fmt::print("\n{}", verdicts);
  return 0;
}

} // namespace troupe::bench
