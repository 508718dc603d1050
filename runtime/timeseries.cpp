#include "runtime/timeseries.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/output_file.hpp"
#include "runtime/csv_field.hpp"
#include "runtime/gnuplot.hpp"
#include "runtime/report.hpp"
#include "runtime/statistics.hpp"

namespace troupe {

std::vector<interval_row> interval_series(const scenario& sc,
                                          const run_result& run,
                                          double interval_s) {
  std::vector<interval_row> rows;
  // Latencies of each row's completed requests.
  std::vector<std::vector<double>> latencies;
  auto row = [&](size_t i) -> interval_row& {
    while (rows.size() <= i) {
      rows.emplace_back();
      rows.back().start_s = double(rows.size() - 1) * interval_s;
      latencies.emplace_back();
    }
    return rows[i];
  };
  for (const auto& rec : run.outcomes.records) {
    auto i = static_cast<size_t>(
      std::max(0.0, to_seconds(rec.req.arrival) / interval_s));
    auto& r = row(i);
    ++r.arrivals;
    switch (rec.kind) {
      case outcome_kind::completed:
        ++r.completed;
        latencies[i].push_back(to_ms(rec.finish - rec.req.arrival));
        break;
      case outcome_kind::dropped:
        ++r.dropped;
        break;
      case outcome_kind::failed:
        ++r.failed;
        break;
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& done = latencies[i];
    if (!done.empty())
      rows[i].p99_ms = summarize_latencies(done).p99;
    rows[i].p99_all_ms = nearest_rank_of_all(done, rows[i].arrivals, 99);
    if (rows[i].arrivals > 0) {
      auto timely = std::count_if(done.begin(), done.end(),
                                  [&](double ms) { return ms <= sc.slo_ms; });
      rows[i].slo_attainment = double(timely) / double(rows[i].arrivals);
    }
  }
  // The scaler's samples: at the end of an interval, for the next one.
  if (run.scaling.samples.empty())
    return rows;
  auto first_stage = run.scaling.samples.front().stage;
  std::map<size_t, double> cost_at;
  for (const auto& x : run.scaling.samples) {
    // A sample closes the interval that ends nearest to it (real-time ticks
    // come a little late); one taken at the start closes none.
    auto closed = std::llround(to_seconds(x.when) / interval_s);
    if (closed < 1)
      continue;
    auto i = static_cast<size_t>(closed - 1);
    auto& r = row(i);
    if (x.stage == first_stage) {
      r.measured_qps = x.measured_qps;
      r.predicted_qps = x.predicted_qps;
    }
    r.workers += x.active + x.booting;
    cost_at[i] += x.cost;
  }
  double before = 0;
  for (const auto& [i, total] : cost_at) {
    row(i).cost = total - before;
    before = total;
  }
  return rows;
}

void write_intervals_csv(const std::vector<interval_row>& rows,
                         const std::string& path) {
  output_file file{path};
  auto& out = file.stream();
  out << "start_s,arrivals,completed,dropped,failed,p99_ms,slo_attainment,"
         "measured_qps,predicted_qps,workers,cost,p99_all_ms\n";
  for (const auto& r : rows)
    // p99_all_ms is empty where it is infinite (a gap in a plot).
    out << fmt::format("{:.3f},{},{},{},{},{:.3f},{:.6f},{:.3f},{:.3f},{},"
                       "{:.6f},{}\n",
                       r.start_s, r.arrivals, r.completed, r.dropped,
                       r.failed, r.p99_ms, r.slo_attainment, r.measured_qps,
                       r.predicted_qps, r.workers, r.cost,
                       std::isfinite(r.p99_all_ms)
                         ? fmt::format("{:.3f}", r.p99_all_ms)
                         : std::string{});
  file.commit();
}

void write_scaling_csv(const scenario& sc, const scaling_history& history,
                       const std::string& path) {
  output_file file{path};
  auto& out = file.stream();
  out << "time_s,stage,measured_qps,predicted_qps,active,booting,target,"
         "max_batch,queue,cost,drops\n";
  for (const auto& x : history.samples)
    out << fmt::format("{:.3f},{},{:.3f},{:.3f},{},{},{},{},{},{:.6f},{}\n",
                       to_seconds(x.when),
                       x.stage < sc.stages.size()
                         ? csv_field(sc.stages[x.stage].name)
                         : std::string{"?"},
                       x.measured_qps, x.predicted_qps, x.active, x.booting,
                       x.target, x.max_batch, x.queue_length, x.cost,
                       x.drops);
  file.commit();
}

plot_result plot_scaling(const scenario& sc, const std::string& dir,
                         double end_s, const std::string& gnuplot) {
  namespace fs = std::filesystem;
  auto script = (fs::path{dir} / "scaling.gp").string();
  {
    output_file file{script};
    auto& out = file.stream();
    out << "# Draws scaling.png from intervals.csv and scaling.csv:\n"
           "#   cd " << dir << " && gnuplot scaling.gp\n"
        << "set terminal pngcairo size 1200,1000 font 'sans,10'\n"
           "set output 'scaling.png'\n"
           "set datafile separator ','\n"
           "set key top left opaque\n"
           "set grid\n"
           "set yrange [0:*]\n"
           "set offsets 0, 0, graph 0.1, 0\n"
           "set multiplot layout 4,1 title "
        << gnuplot_quoted(fmt::format("{} (SLO {:g} ms, scaling: {})",
                                      sc.name, sc.slo_ms,
                                      to_string(sc.scaling.policy)))
        << fmt::format("\nset xrange [0:{:g}]\n", end_s)
        << "set lmargin 10\n"
           "set ylabel 'requests/s'\n"
           "plot 'intervals.csv' every ::1 using 1:($2) with steps "
           "title 'arrived', \\\n"
           "     '' every ::1 using 1:8 with lines title 'measured (first "
           "stage)', \\\n"
           "     '' every ::1 using 1:9 with lines dt 2 title 'predicted'\n"
           "set ylabel 'workers'\n"
           "plot ";
    // The scaler samples its stages in a fixed order every interval, so
    // each stage is every n-th row (a row filter with NaN would break the
    // step lines).
    std::vector<std::string> scaled;
    for (const auto& st : sc.stages)
      if (st.service) // the stages a scaler sizes
        scaled.push_back(st.name);
    for (size_t k = 0; k < scaled.size(); ++k)
      out << (k == 0 ? "" : ", \\\n     ")
          << fmt::format("'scaling.csv' every {}::{} using 1:($5 + $6) with "
                         "steps title {}",
                         scaled.size(), k + 1, gnuplot_quoted(scaled[k]));
    out << "\n"
           "set ylabel 'P99 ms'\n"
        << fmt::format("plot 'intervals.csv' every ::1 using 1:6 with steps "
                       "title 'P99 of the interval''s completed requests', "
                       "'' every ::1 using 1:12 with steps title 'P99 of "
                       "all sent (drops as late; none above 1%)', {:g} with "
                       "lines dt 2 title 'SLO'\n",
                       sc.slo_ms)
        << "set ylabel 'per interval'\n"
           "set xlabel 'time s'\n"
           "set y2tics\n"
           "set y2label 'cost'\n"
           "plot 'intervals.csv' every ::1 using 1:4 with impulses title "
           "'dropped', \\\n"
           "     '' every ::1 using 1:11 axes x1y2 with steps title 'cost'\n"
           "unset multiplot\n";
    file.commit();
  }
  return run_gnuplot(dir, "scaling.gp", "scaling.png", gnuplot);
}

} // namespace troupe
