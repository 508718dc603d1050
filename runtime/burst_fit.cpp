#include "runtime/burst_fit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "models/durations.hpp"

namespace troupe {

namespace {

/// Two states, 0 the burst's (the shorter mean gap) and 1 the calm one's.
struct two_state_gaps {
  std::array<double, 2> rate{};                // per second
  std::array<std::array<double, 2>, 2> next{}; // chance of j -> k
  std::array<double, 2> first{};               // a list's first state
};

/// What the gaps say of the states, summed over the lists: the gaps
/// expected in each state, their sum, the moves from j to k, and the
/// lists' first states.
struct expected_counts {
  std::array<double, 2> in_state{};
  std::array<double, 2> gap_sum{};
  std::array<std::array<double, 2>, 2> moves{};
  std::array<double, 2> first{};
};

/// One list's pass of forward-backward: adds its expected counts to
/// `counts` and returns its log-likelihood. Each step's probabilities are
/// scaled to sum to one, and each gap's densities are taken relative to
/// the larger, so that neither underflows.
double forward_backward(const two_state_gaps& m,
                        const std::vector<double>& gaps,
                        expected_counts& counts) {
  auto n = gaps.size();
  using pair = std::array<double, 2>;
  std::vector<pair> density(n), forward(n), backward(n);
  std::vector<double> scale(n);
  double log_likelihood = 0;
  for (size_t t = 0; t < n; ++t) {
    pair log_density;
    for (size_t k = 0; k < 2; ++k)
      log_density[k] = std::log(m.rate[k]) - m.rate[k] * gaps[t];
    auto top = std::max(log_density[0], log_density[1]);
    for (size_t k = 0; k < 2; ++k)
      density[t][k] = std::exp(log_density[k] - top);
    log_likelihood += top;
  }
  for (size_t t = 0; t < n; ++t) {
    for (size_t k = 0; k < 2; ++k) {
      auto before = t == 0 ? m.first[k]
                           : forward[t - 1][0] * m.next[0][k]
                               + forward[t - 1][1] * m.next[1][k];
      forward[t][k] = before * density[t][k];
    }
    scale[t] = forward[t][0] + forward[t][1];
    for (auto& f : forward[t])
      f /= scale[t];
    log_likelihood += std::log(scale[t]);
  }
  backward[n - 1] = {1, 1};
  for (size_t t = n - 1; t-- > 0;)
    for (size_t j = 0; j < 2; ++j)
      backward[t][j] = (m.next[j][0] * density[t + 1][0] * backward[t + 1][0]
                        + m.next[j][1] * density[t + 1][1]
                            * backward[t + 1][1])
                       / scale[t + 1];
  for (size_t t = 0; t < n; ++t) {
    for (size_t k = 0; k < 2; ++k) {
      auto in = forward[t][k] * backward[t][k];
      counts.in_state[k] += in;
      counts.gap_sum[k] += in * gaps[t];
      if (t == 0)
        counts.first[k] += in;
    }
    if (t + 1 < n)
      for (size_t j = 0; j < 2; ++j)
        for (size_t k = 0; k < 2; ++k)
          counts.moves[j][k] += forward[t][j] * m.next[j][k]
                                * density[t + 1][k] * backward[t + 1][k]
                                / scale[t + 1];
  }
  return log_likelihood;
}

} // namespace

burst_fit fit_bursts(const std::vector<std::vector<double>>& gaps_s,
                     double per_s) {
  burst_fit result;
  std::vector<double> all;
  std::vector<std::vector<double>> lists;
  for (const auto& gaps : gaps_s) {
    if (gaps.empty())
      continue;
    // A gap of zero (the next stall began as one ended) has the densest
    // exponential; a microsecond keeps the rates finite.
    auto& list = lists.emplace_back();
    for (auto g : gaps)
      list.push_back(std::max(g, 1e-6));
    all.insert(all.end(), list.begin(), list.end());
  }
  if (all.size() < min_burst_gaps || per_s <= 0)
    return result;
  // One exponential.
  auto total = std::accumulate(all.begin(), all.end(), 0.0);
  auto n = static_cast<double>(all.size());
  auto one_rate = n / total;
  auto one_state = n * std::log(one_rate) - one_rate * total;
  // Two, started from the shorter and the longer half of the gaps.
  std::sort(all.begin(), all.end());
  auto half = all.size() / 2;
  two_state_gaps m;
  m.rate[0] = double(half) / std::accumulate(all.begin(), all.begin() + half,
                                             0.0);
  m.rate[1] = double(all.size() - half)
              / std::accumulate(all.begin() + half, all.end(), 0.0);
  m.next = {{{0.7, 0.3}, {0.3, 0.7}}};
  m.first = {0.5, 0.5};
  double log_likelihood = one_state;
  for (int step = 0; step < 1000; ++step) {
    expected_counts counts;
    double now = 0;
    for (const auto& list : lists)
      now += forward_backward(m, list, counts);
    auto gained = now - log_likelihood;
    log_likelihood = now;
    for (size_t k = 0; k < 2; ++k) {
      if (counts.in_state[k] <= 0 || counts.gap_sum[k] <= 0)
        return result; // One state took every gap: no second one.
      m.rate[k] = counts.in_state[k] / counts.gap_sum[k];
      auto leaving = counts.moves[k][0] + counts.moves[k][1];
      if (leaving > 0)
        for (size_t j = 0; j < 2; ++j)
          m.next[k][j] = counts.moves[k][j] / leaving;
      m.first[k] = counts.first[k] / double(lists.size());
    }
    if (step > 0 && std::abs(gained) < 1e-9 * std::abs(now))
      break;
  }
  if (m.rate[0] < m.rate[1]) {
    std::swap(m.rate[0], m.rate[1]);
    std::swap(m.next[0][0], m.next[1][1]);
    std::swap(m.next[0][1], m.next[1][0]);
  }
  result.log_likelihood_gain = log_likelihood - one_state;
  auto leave_burst = m.next[0][1];
  auto start_burst = m.next[1][0];
  if (result.log_likelihood_gain < min_burst_log_likelihood_gain
      || leave_burst <= 0 || start_burst <= 0)
    return result;
  stall_bursts bursts;
  // Rounded as a profile file shows them.
  bursts.share = std::round(1000 * start_burst / (start_burst + leave_burst))
                 / 1000;
  bursts.gap = from_ms(std::round(1e6 / m.rate[0]) / 1000);
  // No longer than the gaps seen (a chain that never left its burst), and
  // no shorter than the rounded share allows.
  auto in_row = std::min(1 / leave_burst, n);
  bursts.gaps_per_burst = std::max(
    std::round(100 * in_row) / 100,
    std::ceil(100 * bursts.share / (1 - bursts.share)) / 100);
  if (burst_conflict(bursts, per_s).empty())
    result.bursts = bursts;
  return result;
}

} // namespace troupe
