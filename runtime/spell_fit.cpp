#include "runtime/spell_fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace troupe {

namespace {

constexpr double pi = 3.14159265358979323846;

/// Bins of doubling width: [0, w), [w, 2w), [2w, 4w), ... up to 128 w: the
/// time over which a request waits for the passes around it (beyond, the
/// machine's drift over seconds, which one run of a few seconds cannot show).
constexpr size_t bins = 8;

/// Each pass's rank within its group, scaled to (0, 1).
std::vector<double> ranks_within_groups(const std::vector<timed_pass>& passes) {
  std::map<uint32_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < passes.size(); ++i)
    groups[passes[i].group].push_back(i);
  std::vector<double> rank(passes.size(), 0.5);
  for (auto& [group, members] : groups) {
    std::sort(members.begin(), members.end(), [&](size_t x, size_t y) {
      return passes[x].ms < passes[y].ms;
    });
    for (size_t k = 0; k < members.size(); ++k)
      rank[members[k]] = (static_cast<double>(k) + 0.5)
                         / static_cast<double>(members.size());
  }
  return rank;
}

struct bin_sums {
  size_t pairs = 0;
  double x = 0, y = 0, xx = 0, yy = 0, xy = 0;

  void add(double a, double b) {
    ++pairs;
    x += a;
    y += b;
    xx += a * a;
    yy += b * b;
    xy += a * b;
  }

  double correlation() const {
    auto n = static_cast<double>(pairs);
    auto cov = xy / n - (x / n) * (y / n);
    auto vx = xx / n - (x / n) * (x / n);
    auto vy = yy / n - (y / n) * (y / n);
    if (vx <= 0 || vy <= 0)
      return 0;
    return cov / std::sqrt(vx * vy);
  }
};

} // namespace

std::optional<spell_estimate> fit_spell(const std::vector<timed_pass>& input) {
  if (input.size() < 3)
    return std::nullopt;
  auto passes = input;
  std::sort(passes.begin(), passes.end(),
            [](const timed_pass& x, const timed_pass& y) {
              return x.start_ms < y.start_ms;
            });
  std::vector<double> gaps;
  for (size_t i = 1; i < passes.size(); ++i)
    gaps.push_back(passes[i].start_ms - passes[i - 1].start_ms);
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  auto width = gaps[gaps.size() / 2];
  if (!(width > 0))
    return std::nullopt;
  auto rank = ranks_within_groups(passes);
  auto widest = width * std::ldexp(1.0, bins - 1);
  std::vector<bin_sums> sums(bins);
  for (size_t i = 0; i < passes.size(); ++i)
    for (size_t j = i + 1; j < passes.size(); ++j) {
      auto gap = passes[j].start_ms - passes[i].start_ms;
      if (gap >= widest)
        break;
      auto bin = gap < width
                   ? size_t{0}
                   : static_cast<size_t>(std::floor(std::log2(gap / width))) + 1;
      sums[std::min(bin, bins - 1)].add(rank[i], rank[j]);
    }
  // log r = log share - gap / duration, by least squares over the bins.
  // Each bin's logarithm weighs by pairs x r^2 (its variance is about
  // 1 / (pairs r^2)): a bin near no correlation says little about the
  // logarithm, and bins within noise of none (three standard errors,
  // 1 / sqrt(pairs), and at least 0.02) are left out.
  struct point {
    double gap_ms, log_r, weight;
  };
  std::vector<point> points;
  for (size_t b = 0; b < bins; ++b) {
    if (sums[b].pairs < min_bin_pairs)
      continue;
    auto r = 2 * std::sin(pi * sums[b].correlation() / 6);
    auto pairs = static_cast<double>(sums[b].pairs);
    if (r <= std::max(0.02, 3 / std::sqrt(pairs)))
      continue;
    auto middle = b == 0 ? width / 2 : width * std::ldexp(1.5, int(b) - 1);
    points.push_back({middle, std::log(r), pairs * r * r});
  }
  if (points.size() < 2)
    return std::nullopt;
  double w = 0, mx = 0, my = 0;
  for (const auto& p : points) {
    w += p.weight;
    mx += p.weight * p.gap_ms;
    my += p.weight * p.log_r;
  }
  mx /= w;
  my /= w;
  double sxy = 0, sxx = 0;
  for (const auto& p : points) {
    sxy += p.weight * (p.gap_ms - mx) * (p.log_r - my);
    sxx += p.weight * (p.gap_ms - mx) * (p.gap_ms - mx);
  }
  auto slope = sxy / sxx;
  if (!(slope < 0))
    return std::nullopt;
  spell_estimate result;
  result.duration_ms = std::clamp(-1 / slope, width, 10000.0);
  result.share = std::clamp(std::exp(my - slope * mx), 0.0, 0.9);
  if (!(result.share > 0))
    return std::nullopt;
  return result;
}

std::optional<spell_estimate>
spell_from(const std::vector<served_pass>& passes) {
  std::vector<double> waits;
  for (const auto& pass : passes)
    if (!pass.sent_ahead)
      waits.push_back(pass.wait_ms);
  std::sort(waits.begin(), waits.end());
  std::vector<timed_pass> timed;
  for (const auto& pass : passes) {
    uint32_t group = 0;
    if (!pass.sent_ahead) {
      auto below = std::lower_bound(waits.begin(), waits.end(), pass.wait_ms)
                   - waits.begin();
      group = 1 + static_cast<uint32_t>(4 * below / waits.size());
    }
    timed.push_back({pass.start_ms, pass.ms, group});
  }
  return fit_spell(timed);
}

} // namespace troupe
