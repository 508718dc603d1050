#include "policies/planning/latency_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/durations.hpp"

namespace troupe {

namespace {

/// Guards the comparisons against the runtime's rounding to nanoseconds.
constexpr double slack_ms = 1e-6;

/// Counts, among inserted deadlines, those at or below a value.
class deadline_counter {
public:
  explicit deadline_counter(std::vector<double> sorted)
    : sorted_(std::move(sorted)), tree_(sorted_.size() + 1, 0) {
  }

  void add(double deadline, int delta) {
    auto i = static_cast<size_t>(std::lower_bound(sorted_.begin(),
                                                  sorted_.end(), deadline)
                                 - sorted_.begin())
             + 1;
    for (; i < tree_.size(); i += i & (~i + 1))
      tree_[i] += delta;
  }

  long at_most(double value) const {
    auto i = static_cast<size_t>(std::upper_bound(sorted_.begin(),
                                                  sorted_.end(), value)
                                 - sorted_.begin());
    long sum = 0;
    for (; i > 0; i -= i & (~i + 1))
      sum += tree_[i];
    return sum;
  }

private:
  std::vector<double> sorted_;
  std::vector<long> tree_;
};

struct window_request {
  double arrive;
  double deadline;
};

/// Windows [u, u + length] starting at each arrival, left to right, kept
/// when they hold more on-time requests than the replicas can serve and
/// start after the last kept one ends: disjoint windows hold disjoint
/// requests, so their excesses add up.
size_t excess_in_windows(const std::vector<window_request>& by_arrival,
                         const std::vector<double>& sorted_deadlines,
                         const stage_speed& speed, double length) {
  auto capacity = speed.replicas * speed.replica_capacity(length);
  deadline_counter inside{sorted_deadlines};
  size_t entered = 0;
  size_t left = 0;
  size_t total = 0;
  double kept_until = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < by_arrival.size(); ++i) {
    double u = by_arrival[i].arrive;
    double end = u + length;
    while (entered < by_arrival.size() && by_arrival[entered].arrive <= end)
      inside.add(by_arrival[entered++].deadline, 1);
    while (left < i)
      inside.add(by_arrival[left++].deadline, -1);
    if (u <= kept_until)
      continue;
    auto count = double(inside.at_most(end));
    if (count > capacity + slack_ms) {
      total += static_cast<size_t>(std::ceil(count - capacity - slack_ms));
      kept_until = end;
    }
  }
  return total;
}

} // namespace

double stage_speed::replica_capacity(double ms) const {
  double by_rate = max_rate_per_ms * ms;
  if (min_service_ms <= 0)
    return by_rate;
  double batches = std::floor(ms / min_service_ms + slack_ms);
  return std::min(batches * max_batch, by_rate);
}

stage_speed speed_of(const planning_stage& stage, const stage_choice& choice,
                     bool random_service) {
  stage_speed speed;
  speed.max_batch = choice.max_batch;
  speed.replicas = choice.replicas;
  auto p = profile_of(stage, choice);
  if (p == nullptr) {
    speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
    return speed;
  }
  double shortest = std::numeric_limits<double>::infinity();
  for (uint32_t b = 1; b <= choice.max_batch; ++b) {
    for (bool after_idle : {false, true}) {
      double ms = to_ms(p->service_time(b, after_idle));
      shortest = std::min(shortest, ms);
      if (ms > 0)
        speed.max_rate_per_ms = std::max(speed.max_rate_per_ms, b / ms);
      else
        speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
    }
  }
  // Random draws can be arbitrarily short, and so arbitrarily fast.
  if (random_service) {
    speed.min_service_ms = 0;
    speed.max_rate_per_ms = std::numeric_limits<double>::infinity();
  } else {
    speed.min_service_ms = shortest;
  }
  return speed;
}

double min_service_ms(const planning_stage& stage, bool random_service) {
  if (!stage.planned() || random_service)
    return 0;
  double shortest = std::numeric_limits<double>::infinity();
  for (const auto& p : stage.hardware) {
    stage_choice choice{p->hardware, p->max_batch(), 1};
    shortest = std::min(shortest,
                        speed_of(stage, choice, false).min_service_ms);
  }
  return shortest;
}

size_t late_lower_bound(const std::vector<double>& arrive_ms,
                        const std::vector<double>& deadline_ms,
                        const stage_speed& speed) {
  size_t late = 0;
  std::vector<window_request> rest;
  rest.reserve(arrive_ms.size());
  for (size_t i = 0; i < arrive_ms.size(); ++i) {
    if (!(arrive_ms[i] + speed.min_service_ms <= deadline_ms[i] + slack_ms))
      ++late;
    else
      rest.push_back({arrive_ms[i], deadline_ms[i]});
  }
  if (rest.empty() || std::isinf(speed.max_rate_per_ms))
    return late;
  std::sort(rest.begin(), rest.end(),
            [](const window_request& x, const window_request& y) {
              return x.arrive < y.arrive;
            });
  std::vector<double> deadlines;
  double widest = 0;
  for (const auto& r : rest) {
    deadlines.push_back(r.deadline);
    widest = std::max(widest, r.deadline - r.arrive);
  }
  std::sort(deadlines.begin(), deadlines.end());
  // Window lengths: just below two, three and four times the shortest
  // service time (where a replica's capacity steps up; longer windows
  // rarely refute more, and each length costs a pass over the requests),
  // and the widest [arrival, deadline] interval.
  std::vector<double> lengths;
  if (speed.min_service_ms > 0)
    for (int m = 2; m <= 4; ++m)
      lengths.push_back(m * speed.min_service_ms * (1 - 1e-9));
  lengths.push_back(widest);
  size_t most = 0;
  for (double length : lengths)
    if (length > 0 && length <= widest)
      most = std::max(most, excess_in_windows(rest, deadlines, speed, length));
  return late + most;
}

size_t late_allowance(size_t n) {
  return n - static_cast<size_t>(std::ceil(0.99 * double(n)));
}

} // namespace troupe
