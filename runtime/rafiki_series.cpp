#include "runtime/rafiki_series.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "models/durations.hpp"
#include "models/output_file.hpp"

namespace troupe {

rafiki_series::rafiki_series(const arrival_times& arrivals,
                             double max_latency_s)
  : arrivals_(arrivals), max_latency_s_(max_latency_s) {
  for (auto a : arrivals_)
    ++at(to_seconds(a)).arrivals;
}

rafiki_second& rafiki_series::at(double time_s) {
  auto i = static_cast<size_t>(std::max(0.0, std::floor(time_s)));
  while (seconds_.size() <= i) {
    seconds_.emplace_back();
    seconds_.back().start_s = double(seconds_.size() - 1);
  }
  return seconds_[i];
}

void rafiki_series::add(const rafiki::step_record& s) {
  auto& step = at(s.time_s);
  ++step.steps;
  step.throughput += s.served;
  step.batch_size_sum += s.batch_size;
  step.models_sum += std::bitset<32>(s.mask).count();
  for (uint32_t i = 0; i < s.served && next_ < arrivals_.size(); ++i) {
    auto arrival = to_seconds(arrivals_[next_++]);
    auto latency = s.time_s - arrival + s.finish_s;
    auto& row = at(arrival);
    ++row.served;
    if (latency > max_latency_s_)
      ++row.overdue;
    row.accuracy_sum += s.accuracy;
    row.latency_sum_s += latency;
    row.latency_max_s = std::max(row.latency_max_s, latency);
  }
}

void rafiki_series::measure(const run_outcomes& outcomes) {
  for (auto& row : seconds_) {
    row.served = 0;
    row.overdue = 0;
    row.latency_sum_s = 0;
    row.latency_max_s = 0;
  }
  for (const auto& rec : outcomes.records) {
    auto& row = at(to_seconds(rec.req.arrival));
    ++row.served;
    if (rec.kind != outcome_kind::completed) {
      ++row.overdue;
      continue;
    }
    auto latency = to_seconds(rec.finish - rec.req.arrival);
    if (latency > max_latency_s_)
      ++row.overdue;
    row.latency_sum_s += latency;
    row.latency_max_s = std::max(row.latency_max_s, latency);
  }
}

namespace {

struct counts {
  uint64_t served = 0;
  uint64_t overdue = 0;

  double ratio() const {
    return served > 0 ? double(overdue) / double(served) : 0.0;
  }
};

} // namespace

double rafiki_series::overdue_at_peaks(double share, size_t smooth_s) const {
  auto n = seconds_.size();
  if (n == 0)
    return 0;
  // The arrival rate averaged over the seconds around each one.
  std::vector<double> smooth(n);
  for (size_t i = 0; i < n; ++i) {
    auto from = i >= smooth_s / 2 ? i - smooth_s / 2 : 0;
    auto to = std::min(n, from + std::max<size_t>(1, smooth_s));
    double sum = 0;
    for (size_t j = from; j < to; ++j)
      sum += double(seconds_[j].arrivals);
    smooth[i] = sum / double(to - from);
  }
  auto sorted = smooth;
  std::sort(sorted.begin(), sorted.end(), std::greater<>{});
  // The last of the busiest ceil(n x share) seconds sets the bar.
  auto count = static_cast<size_t>(std::ceil(double(n) * share));
  auto top = std::min(n, std::max<size_t>(1, count)) - 1;
  counts peak;
  for (size_t i = 0; i < n; ++i)
    if (smooth[i] >= sorted[top]) {
      peak.served += seconds_[i].served;
      peak.overdue += seconds_[i].overdue;
    }
  return peak.ratio();
}

double rafiki_series::overdue_ratio() const {
  counts all;
  for (const auto& row : seconds_) {
    all.served += row.served;
    all.overdue += row.overdue;
  }
  return all.ratio();
}

double rafiki_series::worst_overdue(size_t window_s) const {
  double worst = 0;
  counts window;
  for (size_t i = 0; i < seconds_.size(); ++i) {
    window.served += seconds_[i].served;
    window.overdue += seconds_[i].overdue;
    if (i >= window_s) {
      window.served -= seconds_[i - window_s].served;
      window.overdue -= seconds_[i - window_s].overdue;
    }
    worst = std::max(worst, window.ratio());
  }
  return worst;
}

void write_rafiki_seconds_csv(const std::string& path,
                              const rafiki_series& series) {
  output_file file{path};
  auto& out = file.stream();
  out << "second,arrival_rate,accuracy,overdue_ratio,latency_mean_s,"
         "latency_max_s,throughput,steps,batch_size_mean,models_mean\n";
  for (const auto& r : series.seconds()) {
    auto per_served = [&](double x) {
      return r.served > 0 ? x / double(r.served) : 0.0;
    };
    auto per_step = [&](double x) {
      return r.steps > 0 ? x / double(r.steps) : 0.0;
    };
    out << fmt::format("{:g},{},{:.6f},{:.6f},{:.6f},{:.6f},{},{},{:.3f},"
                       "{:.3f}\n",
                       r.start_s, r.arrivals, per_served(r.accuracy_sum),
                       r.overdue_ratio(), per_served(r.latency_sum_s),
                       r.latency_max_s, r.throughput, r.steps,
                       per_step(double(r.batch_size_sum)),
                       per_step(double(r.models_sum)));
  }
  file.commit();
}

plot_result plot_rafiki(const std::string& dir, const std::string& title,
                        double max_latency_s, const std::string& gnuplot) {
  auto script = (std::filesystem::path{dir} / "rafiki.gp").string();
  output_file file{script};
  auto& out = file.stream();
  out << "# Draws rafiki.png from seconds.csv:\n"
         "#   cd " << dir << " && gnuplot rafiki.gp\n"
      << "set terminal pngcairo size 1200,1000 font 'sans,10'\n"
         "set output 'rafiki.png'\n"
         "set datafile separator ','\n"
         "set key top left opaque\n"
         "set grid\n"
         "set lmargin 10\n"
         "set multiplot layout 4,1 title "
      << gnuplot_quoted(title) << "\n"
      << "set ylabel 'requests/s'\n"
         "set yrange [0:*]\n"
         "plot 'seconds.csv' every ::1 using 1:2 with steps title 'arrived', "
         "'' every ::1 using 1:7 with steps title 'served'\n"
         "set ylabel 'overdue ratio'\n"
         "set yrange [0:1.05]\n"
         "plot 'seconds.csv' every ::1 using 1:4 with steps title 'overdue "
         "(of the requests that arrived that second)'\n"
         "set ylabel 'accuracy'\n"
         "set yrange [*:*]\n"
         "plot 'seconds.csv' every ::1 using 1:($2 > 0 ? $3 : NaN) with "
         "points pt 7 ps 0.3 title 'accuracy of the ensembles that served "
         "them'\n"
         "set ylabel 'latency s'\n"
         "set xlabel 'simulated time s'\n"
         "set logscale y\n"
         "set yrange [*:*]\n"
      << fmt::format("plot 'seconds.csv' every ::1 using 1:($2 > 0 ? $5 : "
                     "NaN) with steps title 'mean', '' every ::1 using "
                     "1:($2 > 0 ? $6 : NaN) with steps title 'max', {:g} "
                     "with lines dt 2 title 'max latency'\n",
                     max_latency_s)
      << "unset multiplot\n";
  file.commit();
  return run_gnuplot(dir, "rafiki.gp", "rafiki.png", gnuplot);
}

} // namespace troupe
