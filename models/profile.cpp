#include "models/profile.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "models/durations.hpp"

namespace troupe {

profile_row rounded_row(uint32_t b, double p99_ms, double throughput_qps) {
  return {b, std::round(p99_ms * 1e4) / 1e4,
          std::round(throughput_qps * 10) / 10};
}

profile_row scaled_row(const profile_row& row, double factor) {
  return rounded_row(row.batch_size, row.p99_ms * factor,
                     row.throughput_qps / factor);
}

uint32_t profile::max_batch() const {
  return rows.empty() ? 0 : rows.back().batch_size;
}

uint32_t profile::peak_batch(double within_p99_ms) const {
  const profile_row* peak = nullptr;
  for (const auto& row : rows)
    if (row.p99_ms <= within_p99_ms
        && (!peak || row.throughput_qps > peak->throughput_qps))
      peak = &row;
  return peak ? peak->batch_size : 0;
}

namespace {

/// `field` of the rows at batch size b, linearly interpolated between the
/// rows around it (the last row's beyond the largest).
double interpolate(const std::vector<profile_row>& rows, uint32_t b,
                   double profile_row::*field) {
  // Rows are few (< 16): a linear scan is the fastest lookup.
  const profile_row* lower = &rows.front();
  for (const auto& row : rows) {
    if (row.batch_size == b)
      return row.*field;
    if (row.batch_size > b) {
      double slope = (row.*field - lower->*field)
                     / double(row.batch_size - lower->batch_size);
      return lower->*field + slope * double(b - lower->batch_size);
    }
    lower = &row;
  }
  return rows.back().*field;
}

} // namespace

double profile::throughput_qps(uint32_t b, bool after_idle) const {
  return interpolate(after_idle && !idle_rows.empty() ? idle_rows : rows, b,
                     &profile_row::throughput_qps);
}

double profile::p99_ms(uint32_t b, bool after_idle) const {
  return interpolate(after_idle && !idle_rows.empty() ? idle_rows : rows, b,
                     &profile_row::p99_ms);
}

caf::timespan profile::service_time(uint32_t b, bool after_idle) const {
  double ms = 1000.0 * double(b) / throughput_qps(b, after_idle);
  return caf::timespan{static_cast<int64_t>(std::llround(ms * 1e6))};
}

namespace {

/// `field` of p's idle curve at an idle wait of `idle`: 0 without idle
/// rows or at no wait, 1 without a curve, else from 0 at no wait to the
/// first point, linearly between points, the last point's beyond it.
double along_curve(const profile& p, caf::timespan idle,
                   double idle_point::*field) {
  if (p.idle_rows.empty() || idle.count() <= 0)
    return 0;
  if (p.idle_curve.empty())
    return 1;
  const auto& curve = p.idle_curve;
  idle_point lower;
  for (const auto& point : curve) {
    if (idle <= point.wait) {
      auto fraction = double((idle - lower.wait).count())
                      / double((point.wait - lower.wait).count());
      return lower.*field + fraction * (point.*field - lower.*field);
    }
    lower = point;
  }
  return curve.back().*field;
}

} // namespace

caf::timespan wake_time::slept(caf::timespan wait) const {
  for (size_t i = 0; i < curve.size(); ++i) {
    const auto& point = curve[i];
    if (wait > point.wait)
      continue;
    if (i == 0)
      return point.handoff;
    const auto& lower = curve[i - 1];
    auto fraction = double((wait - lower.wait).count())
                    / double((point.wait - lower.wait).count());
    return lower.handoff
           + caf::timespan{static_cast<int64_t>(std::llround(
             fraction * double((point.handoff - lower.handoff).count())))};
  }
  return curve.back().handoff;
}

wake_time longer(const wake_time& x, const wake_time& y) {
  std::set<caf::timespan> waits;
  for (const auto* w : {&x, &y})
    for (const auto& point : w->curve)
      waits.insert(point.wait);
  wake_time result;
  for (auto wait : waits) {
    wake_point point{wait, caf::timespan{0}};
    for (const auto* w : {&x, &y})
      if (w->modelled() && (wait.count() > 0 || w->curve.front().wait == wait))
        point.handoff = std::max(point.handoff, w->slept(wait));
    result.curve.push_back(point);
  }
  for (const auto* w : {&x, &y})
    if (w->poll.modelled())
      result.poll = {std::max(result.poll.polled, w->poll.polled),
                     std::max(result.poll.longest, w->poll.longest)};
  result.stalls = busier(x.stalls, y.stalls);
  return result;
}

handoff_time profile::handoff_after(caf::timespan wait) const {
  if (!wake.modelled())
    return wait.count() > 0 ? handoff : handoff_time{};
  // A batch sent ahead where none was measured.
  if (wait.count() == 0 && wake.curve.front().wait.count() > 0)
    return {};
  return {wake.slept(wait), caf::timespan{0}};
}

double profile::idle_share(caf::timespan idle) const {
  return along_curve(*this, idle, &idle_point::share);
}

double profile::idle_tail_share(caf::timespan idle) const {
  return along_curve(*this, idle, &idle_point::tail_share);
}

caf::timespan profile::service_time_after(uint32_t b,
                                          caf::timespan idle) const {
  auto share = idle_share(idle);
  if (share == 0 || share == 1)
    return service_time(b, share == 1);
  auto busy = double(service_time(b, false).count());
  auto idle_ns = double(service_time(b, true).count());
  // A share beyond 1 stretches the idle rows' extra time; the clock holds
  // the longest duration a scenario may state.
  auto ns = std::min(busy + share * (idle_ns - busy),
                     double(max_scenario_duration.count()));
  return caf::timespan{static_cast<int64_t>(std::llround(ns))};
}

double profile::p99_ms_after(uint32_t b, caf::timespan idle) const {
  auto share = idle_tail_share(idle);
  auto busy = p99_ms(b, false);
  return share == 0 ? busy : busy + share * (p99_ms(b, true) - busy);
}

caf::timespan profile::switch_extra(uint32_t b) const {
  if (switch_rows.empty())
    return caf::timespan{0};
  auto switched_ms = 1000.0 * double(b)
                     / interpolate(switch_rows, b,
                                   &profile_row::throughput_qps);
  auto extra = from_ms(switched_ms) - service_time(b, false);
  return std::max(extra, caf::timespan{0});
}

double profile::switch_extra_p99_ms(uint32_t b) const {
  if (switch_rows.empty())
    return 0;
  return std::max(0.0, interpolate(switch_rows, b, &profile_row::p99_ms)
                         - p99_ms(b, false));
}

profile sequential_sum(const std::vector<profile>& members) {
  profile result;
  result.hardware = members.front().hardware;
  result.cost = members.front().cost;
  // One batch, one hand-off, however many models run it.
  for (const auto& m : members) {
    result.handoff = longer(result.handoff, m.handoff);
    result.client_hop = longer(result.client_hop, m.client_hop);
    result.timer_late = longer(result.timer_late, m.timer_late);
    // One machine: the members' strongest spell.
    result.spell = stronger(result.spell, m.spell);
    result.stalls = busier(result.stalls, m.stalls);
    result.scheduler_stalls = busier(result.scheduler_stalls,
                                     m.scheduler_stalls);
  }
  // One core's wake-ups: the longest member's hand-off at each member's
  // wait (the replica's core: its poll is any member's, the longer
  // hand-off where they differ).
  for (const auto& m : members) {
    result.wake = longer(result.wake, m.wake);
    result.scheduler_wake = longer(result.scheduler_wake, m.scheduler_wake);
  }
  uint32_t largest = members.front().max_batch();
  std::set<uint32_t> sizes;
  for (const auto& m : members) {
    largest = std::min(largest, m.max_batch());
    for (const auto& row : m.rows)
      sizes.insert(row.batch_size);
  }
  using rows_member = std::vector<profile_row> profile::*;
  auto all_have = [&](rows_member rows) {
    return std::all_of(members.begin(), members.end(),
                       [rows](const profile& m) { return !(m.*rows).empty(); });
  };
  bool idle = all_have(&profile::idle_rows);
  bool switched = all_have(&profile::switch_rows);
  auto summed = [&](uint32_t b, rows_member rows) {
    double ms = 0;
    double p99_ms = 0;
    for (const auto& m : members) {
      ms += 1000.0 * double(b)
            / interpolate(m.*rows, b, &profile_row::throughput_qps);
      p99_ms += interpolate(m.*rows, b, &profile_row::p99_ms);
    }
    return profile_row{b, p99_ms, 1000.0 * double(b) / ms};
  };
  for (auto b : sizes) {
    if (b > largest)
      break;
    result.rows.push_back(summed(b, &profile::rows));
    if (idle)
      result.idle_rows.push_back(summed(b, &profile::idle_rows));
    if (switched)
      result.switch_rows.push_back(summed(b, &profile::switch_rows));
  }
  if (idle && std::any_of(members.begin(), members.end(),
                          [](const profile& m) {
                            return !m.idle_curve.empty();
                          })) {
    std::set<caf::timespan> waits;
    for (const auto& m : members)
      for (const auto& point : m.idle_curve)
        waits.insert(point.wait);
    // A member's weight: what its idle rows add to its rows at batch 1, to
    // the mean for the shares and to the p99 for the tail shares (equal
    // weights where none adds anything).
    auto weights_of = [&](auto extra) {
      std::vector<double> weights;
      double total = 0;
      for (const auto& m : members) {
        weights.push_back(std::max(0.0, extra(m)));
        total += weights.back();
      }
      for (auto& w : weights)
        w = total > 0 ? w / total : 1.0 / double(members.size());
      return weights;
    };
    auto weights = weights_of([](const profile& m) {
      return to_ms(m.service_time(1, true) - m.service_time(1, false));
    });
    auto tail_weights = weights_of([](const profile& m) {
      return m.p99_ms(1, true) - m.p99_ms(1, false);
    });
    for (auto wait : waits) {
      idle_point point{wait, 0, 0};
      for (size_t i = 0; i < members.size(); ++i) {
        point.share += weights[i] * members[i].idle_share(wait);
        point.tail_share += tail_weights[i] * members[i].idle_tail_share(wait);
      }
      result.idle_curve.push_back(point);
    }
  }
  return result;
}

} // namespace troupe
