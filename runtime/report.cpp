#include "runtime/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/output_file.hpp"
#include "runtime/cluster_report.hpp"
#include "runtime/csv_field.hpp"
#include "runtime/json_string.hpp"
#include "runtime/stage_kind.hpp"

namespace troupe {

namespace {

/// Per-stage figures from the traces. A batch is identified by its stage and
/// batch id: every request of it carries the same pair.
void add_stage_reports(const scenario& sc, const run_result& run,
                       double duration_s, run_summary& out) {
  const auto& outcomes = run.outcomes;
  // (stage, batch id, one of its visits), sorted and deduplicated: a flat
  // vector, since a run can hold millions of batches.
  std::vector<std::tuple<stage_id, uint64_t, const stage_visit*>> batches;
  std::vector<double> wait_sum(sc.stages.size(), 0);
  std::vector<uint64_t> wait_count(sc.stages.size(), 0);
  for (const auto& rec : outcomes.records)
    for (const auto& visit : rec.req.trace) {
      if (visit.stage >= sc.stages.size() || visit.batch_size == 0)
        continue;
      wait_sum[visit.stage] += to_ms(visit.dequeue - visit.enqueue);
      ++wait_count[visit.stage];
      batches.emplace_back(visit.stage, visit.batch_id, &visit);
    }
  auto key = [](const auto& x) { return std::tie(std::get<0>(x), std::get<1>(x)); };
  auto same_batch = [&](const auto& x, const auto& y) { return key(x) == key(y); };
  std::stable_sort(batches.begin(), batches.end(),
                   [&](const auto& x, const auto& y) { return key(x) < key(y); });
  batches.erase(std::unique(batches.begin(), batches.end(), same_batch),
                batches.end());
  out.stages.resize(sc.stages.size());
  std::vector<double> busy_ms(sc.stages.size(), 0);
  for (const auto& [stage, id, visit] : batches) {
    ++out.stages[stage].batch_sizes[visit->batch_size];
    if (visit->finish >= visit->dequeue)
      busy_ms[stage] += to_ms(visit->finish - visit->dequeue);
  }
  for (size_t i = 0; i < sc.stages.size(); ++i) {
    auto& st = out.stages[i];
    const auto& spec = sc.stages[i];
    st.name = spec.name;
    st.kind = spec.kind;
    st.replicas = kind_of(spec).replicated ? spec.replicas : 0;
    st.cost = spec.cost();
    if (wait_count[i] > 0)
      st.mean_queue_wait_ms = wait_sum[i] / double(wait_count[i]);
    // Workers able to serve, on average.
    double serving = st.replicas;
    st.mean_workers = st.replicas;
    st.max_workers = st.replicas;
    uint64_t samples = 0;
    double running_sum = 0;
    double active_sum = 0;
    for (const auto& x : run.scaling.samples) {
      if (x.stage != i)
        continue;
      if (samples++ == 0)
        st.max_workers = 0;
      running_sum += x.active + x.booting;
      active_sum += x.active;
      st.max_workers = std::max(st.max_workers, x.active + x.booting);
      st.worker_cost = x.cost; // accrued since the start: the last counts
    }
    st.scaled = samples > 0;
    auto busy_s = busy_ms[i] / 1000.0;
    if (st.scaled) {
      st.mean_workers = running_sum / double(samples);
      serving = active_sum / double(samples);
    } else if (spec.service) {
      const auto& rates = sc.scaling;
      auto idle_s = std::max(0.0, st.replicas * duration_s - busy_s);
      st.worker_cost = spec.service->cost
                       * (rates.running_cost_per_s * busy_s
                          + rates.idle_cost_per_s * idle_s);
    }
    if (serving > 0 && duration_s > 0)
      st.utilisation = busy_s / (serving * duration_s);
    out.worker_cost += st.worker_cost;
  }
  for (const auto& rec : outcomes.records) {
    if (rec.stage >= sc.stages.size())
      continue;
    if (rec.kind == outcome_kind::dropped)
      ++out.stages[rec.stage].dropped;
    else if (rec.kind == outcome_kind::failed)
      ++out.stages[rec.stage].failed;
  }
}


} // namespace

void prepare_output_folder(const std::string& folder) {
  namespace fs = std::filesystem;
  fs::create_directories(folder);
  auto probe = (fs::path{folder} / ".troupe-write-probe").string();
  write_file_atomically(probe, "");
  fs::remove(probe);
  for (const char* stale :
       {"scaling.csv", "scaling.gp", "scaling.png", "gnuplot.log"})
    fs::remove(fs::path{folder} / stale);
}

run_summary summarize(const scenario& sc, const run_result& run) {
  const auto& outcomes = run.outcomes;
  run_summary s;
  s.scenario = sc.name;
  s.clock = to_string(run.clock);
  s.seed = run.seed;
  s.sent = outcomes.sent;
  s.slo_ms = sc.slo_ms;
  s.cost = sc.cost();
  s.scaling_policy = to_string(sc.scaling.policy);
  s.events = run.events;
  s.wall_s = run.wall_s;
  s.orphaned_results = outcomes.orphaned_results;
  s.nodes = report_nodes(sc, run);
  std::vector<double> latencies;
  latencies.reserve(outcomes.records.size());
  uint64_t within_slo = 0;
  caf::timespan first_arrival = caf::timespan::max();
  caf::timespan last_end{0};
  for (const auto& rec : outcomes.records) {
    first_arrival = std::min(first_arrival, rec.req.arrival);
    last_end = std::max(last_end, rec.finish);
    switch (rec.kind) {
      case outcome_kind::completed: {
        ++s.completed;
        if (auto right = correct(rec)) {
          ++s.labelled;
          s.right += *right ? 1 : 0;
        }
        auto latency = to_ms(rec.finish - rec.req.arrival);
        latencies.push_back(latency);
        if (latency <= sc.slo_ms)
          ++within_slo;
        break;
      }
      case outcome_kind::dropped:
        ++s.dropped;
        ++s.drop_reasons[to_string(rec.reason)];
        break;
      case outcome_kind::failed:
        ++s.failed;
        ++s.fail_reasons[to_string(rec.reason)];
        break;
    }
  }
  s.latency_ms = summarize_latencies(latencies);
  s.p99_all_ms = nearest_rank_of_all(latencies, s.sent, 99);
  if (s.sent > 0)
    s.slo_attainment = double(within_slo) / double(s.sent);
  if (!outcomes.records.empty())
    s.duration_s = to_ms(last_end - first_arrival) / 1000.0;
  if (s.duration_s > 0)
    s.throughput_qps = double(s.completed) / s.duration_s;
  add_stage_reports(sc, run, s.duration_s, s);
  return s;
}

void write_summary_json(const run_summary& s, const std::string& path) {
  output_file file{path};
  auto& out = file.stream();
  // JSON has no inf or nan: a value that is not finite is null.
  auto num = [](double x) {
    return std::isfinite(x) ? fmt::format("{:.6f}", x) : std::string{"null"};
  };
  out << "{\n";
  out << "  \"scenario\": " << json_string(s.scenario) << ",\n";
  out << "  \"clock\": " << json_string(s.clock) << ",\n";
  out << "  \"seed\": " << s.seed << ",\n";
  out << "  \"sent\": " << s.sent << ",\n";
  out << "  \"completed\": " << s.completed << ",\n";
  out << "  \"dropped\": " << s.dropped << ",\n";
  out << "  \"failed\": " << s.failed << ",\n";
  auto counts = [&](const char* name,
                    const std::map<std::string, uint64_t>& by_reason) {
    out << "  " << json_string(name) << ": {";
    bool first = true;
    for (const auto& [reason, count] : by_reason) {
      out << (first ? "" : ", ") << json_string(reason) << ": " << count;
      first = false;
    }
    out << "},\n";
  };
  counts("drop_reasons", s.drop_reasons);
  counts("fail_reasons", s.fail_reasons);
  out << "  \"orphaned_results\": " << s.orphaned_results << ",\n";
  const auto& l = s.latency_ms;
  out << "  \"latency_ms\": {\"mean\": " << num(l.mean)
      << ", \"p50\": " << num(l.p50) << ", \"p90\": " << num(l.p90)
      << ", \"p99\": " << num(l.p99) << ", \"p999\": " << num(l.p999)
      << ", \"max\": " << num(l.max) << ", \"p99_all\": " << num(s.p99_all_ms)
      << "},\n";
  out << "  \"slo_ms\": " << num(s.slo_ms) << ",\n";
  out << "  \"slo_attainment\": " << num(s.slo_attainment) << ",\n";
  out << "  \"throughput_qps\": " << num(s.throughput_qps) << ",\n";
  out << "  \"labelled\": " << s.labelled << ",\n";
  out << "  \"accuracy\": "
      << (s.labelled > 0 ? num(double(s.right) / double(s.labelled)) : "null")
      << ",\n";
  out << "  \"duration_s\": " << num(s.duration_s) << ",\n";
  out << "  \"cost\": " << num(s.cost) << ",\n";
  out << "  \"scaling_policy\": " << json_string(s.scaling_policy) << ",\n";
  out << "  \"worker_cost\": " << num(s.worker_cost) << ",\n";
  out << "  \"events\": " << s.events << ",\n";
  out << "  \"stages\": [\n";
  for (size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    out << "    {\"name\": " << json_string(st.name)
        << ", \"kind\": " << json_string(st.kind)
        << ", \"replicas\": " << st.replicas << ", \"cost\": " << num(st.cost)
        << ", \"batch_sizes\": {";
    bool first_size = true;
    for (const auto& [size, count] : st.batch_sizes) {
      out << (first_size ? "" : ", ") << "\"" << size << "\": " << count;
      first_size = false;
    }
    out << "}, \"mean_queue_wait_ms\": " << num(st.mean_queue_wait_ms)
        << ", \"utilisation\": " << num(st.utilisation)
        << ", \"mean_workers\": " << num(st.mean_workers)
        << ", \"max_workers\": " << st.max_workers
        << ", \"worker_cost\": " << num(st.worker_cost)
        << ", \"dropped\": " << st.dropped << ", \"failed\": " << st.failed
        << "}" << (i + 1 < s.stages.size() ? "," : "") << "\n";
  }
  out << "  ],\n";
  out << "  \"nodes\": ";
  write_nodes_json(out, s.nodes);
  out << ",\n";
  // Last on purpose: the only line that differs between identical runs.
  out << "  \"wall_s\": " << num(s.wall_s) << "\n";
  out << "}\n";
  file.commit();
}

void write_requests_csv(const scenario& sc, const run_outcomes& outcomes,
                        const std::string& path) {
  output_file file{path};
  auto& out = file.stream();
  // Inputs and predictions get columns when some request has one.
  bool with_data = std::any_of(
    outcomes.records.begin(), outcomes.records.end(),
    [](const request_outcome& rec) {
      return rec.req.input.sample >= 0 || rec.req.input.label >= 0
             || (rec.req.result && rec.req.result->label >= 0);
    });
  std::string line
    = "id,arrival_ms,sent_ms,finish_ms,latency_ms,outcome,stage,reason,error";
  if (with_data)
    line += ",sample,label,prediction";
  for (const auto& st : sc.stages)
    for (const char* column : {"enqueue_ms", "dequeue_ms", "finish_ms",
                               "compute_ms", "batch", "replica", "batch_id"})
      line += "," + csv_field(st.name + "." + column);
  out << line << '\n';
  std::vector<const stage_visit*> by_stage(sc.stages.size());
  for (const auto& rec : outcomes.records) {
    line = fmt::format("{},{:.6f},{:.6f},{:.6f},", rec.req.id,
                       to_ms(rec.req.arrival), to_ms(sent_time(rec.req)),
                       to_ms(rec.finish));
    if (rec.kind == outcome_kind::completed)
      line += fmt::format("{:.6f}", to_ms(rec.finish - rec.req.arrival));
    line += ",";
    line += to_string(rec.kind);
    line += ",";
    if (rec.stage < sc.stages.size())
      line += csv_field(sc.stages[rec.stage].name);
    line += ",";
    if (rec.reason != errc::none)
      line += to_string(rec.reason);
    line += "," + csv_field(rec.error);
    if (with_data) {
      // Unknown values stay empty.
      auto known = [](int64_t x) {
        return x >= 0 ? std::to_string(x) : std::string{};
      };
      line += "," + known(rec.req.input.sample) + ","
              + known(rec.req.input.label) + ","
              + known(rec.req.result ? rec.req.result->label : -1);
    }
    std::fill(by_stage.begin(), by_stage.end(), nullptr);
    for (const auto& visit : rec.req.trace)
      if (visit.stage < by_stage.size())
        by_stage[visit.stage] = &visit;
    for (const auto* visit : by_stage) {
      if (visit == nullptr) {
        line += ",,,,,,,";
        continue;
      }
      // A request dropped in the queue has an enqueue time only.
      bool served = visit->batch_size > 0
                    || !kind_of(sc.stages[visit->stage]).replicated;
      line += fmt::format(",{:.6f}", to_ms(visit->enqueue));
      if (served)
        line += fmt::format(",{:.6f},{:.6f},{:.6f},{},{},{}",
                            to_ms(visit->dequeue), to_ms(visit->finish),
                            to_ms(visit->compute), visit->batch_size,
                            visit->replica, visit->batch_id);
      else
        line += ",,,,,,";
    }
    out << line << '\n';
  }
  file.commit();
}

std::string render_summary(const run_summary& s) {
  std::string text;
  text += fmt::format("{} ({} clock, seed {}): {} requests over {:.1f} s\n",
                      s.scenario, s.clock, s.seed, s.sent, s.duration_s);
  text += fmt::format("  completed {}  dropped {}  failed {}", s.completed,
                      s.dropped, s.failed);
  auto counts = [&](const char* what,
                    const std::map<std::string, uint64_t>& by_reason) {
    if (by_reason.empty())
      return;
    text += fmt::format("  ({}:", what);
    for (const auto& [reason, count] : by_reason)
      text += fmt::format(" {} {}", reason, count);
    text += ")";
  };
  counts("drops", s.drop_reasons);
  counts("failures", s.fail_reasons);
  text += "\n";
  const auto& l = s.latency_ms;
  text += fmt::format("  latency ms  mean {:.1f}  p50 {:.1f}  p90 {:.1f}  "
                      "p99 {:.1f}  p99.9 {:.1f}  max {:.1f}\n",
                      l.mean, l.p50, l.p90, l.p99, l.p999, l.max);
  if (s.completed < s.sent)
    text += std::isfinite(s.p99_all_ms)
              ? fmt::format("  p99 of all sent (drops and failures as "
                            "infinitely late) {:.1f} ms\n",
                            s.p99_all_ms)
              : fmt::format("  p99 of all sent: none ({:.2f}% did not "
                            "complete, more than 1%)\n",
                            100.0 * double(s.sent - s.completed)
                              / double(s.sent));
  text += fmt::format("  SLO {:.0f} ms attained by {:.2f}% of requests  "
                      "throughput {:.1f} q/s  cost {:g}\n",
                      s.slo_ms, 100 * s.slo_attainment, s.throughput_qps,
                      s.cost);
  if (s.labelled > 0)
    text += fmt::format("  accuracy {:.2f}% ({} of {} labelled requests "
                        "predicted right)\n",
                        100.0 * double(s.right) / double(s.labelled), s.right,
                        s.labelled);
  if (s.scaling_policy != "none")
    text += fmt::format("  scaling '{}': worker cost {:.4f} (per worker-second "
                        "running or idle x hardware cost)\n",
                        s.scaling_policy, s.worker_cost);
  text += "  stage         workers     util   wait ms  drops  batches "
          "(size x count)\n";
  for (const auto& st : s.stages) {
    std::string sizes;
    for (const auto& [size, count] : st.batch_sizes)
      sizes += fmt::format(" {}x{}", size, count);
    auto workers = st.scaled ? fmt::format("{:.1f} max {}", st.mean_workers,
                                           st.max_workers)
                             : fmt::format("{}", st.replicas);
    text += fmt::format("  {:<13} {:<10}  {:>4.0f}%  {:>7.1f}  {:>5}  {}\n",
                        st.name, workers, 100 * st.utilisation,
                        st.mean_queue_wait_ms, st.dropped + st.failed, sizes);
  }
  text += render_nodes(s.nodes);
  double rate = s.wall_s > 0 ? double(s.events) / s.wall_s : 0;
  text += fmt::format("  {} actor messages in {:.3f} s wall ({:.2f} M/s)\n",
                      s.events, s.wall_s, rate / 1e6);
  return text;
}

} // namespace troupe
