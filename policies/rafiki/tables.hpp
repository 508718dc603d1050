#pragma once

// What Rafiki (seed 000) knows of its models: a latency per model and batch
// size, and an accuracy per non-empty subset of the models (the ensemble
// that subset makes). The seed's tables are built in; with the real zoo,
// latencies come from profiles and accuracies from `troupe zoo accuracy`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace troupe::rafiki {

struct tables {
  /// The batch sizes a decision picks from, ascending.
  std::vector<uint32_t> batch_sizes;
  /// latency_s[m][i]: seconds model m takes for a batch of batch_sizes[i].
  std::vector<std::vector<double>> latency_s;
  /// accuracy[mask - 1] for the subset `mask` (model 0 is the most
  /// significant of the models' bits: see action_space).
  std::vector<double> accuracy;

  size_t models() const {
    return latency_s.size();
  }

  /// Why these tables cannot be used (empty when they can): M from 1 to
  /// 16, batch sizes positive and ascending, a positive finite latency per
  /// model and size, 2^M - 1 accuracies in [0, 1].
  std::string problem() const;

  /// The largest latency in the table (tau = this x tau_times).
  double max_latency_s() const;

  /// The seed's mean arrival rate r: async, the models' summed throughput
  /// at the largest batch size (sum of B / lat[m, B]); sync, the fastest
  /// model's at the smallest (max of b / lat[m, b]).
  double arrival_rate_qps(bool sync) const;
};

/// The seed's tables: three models, batch sizes 16, 32, 48, 64.
tables seed_tables();

} // namespace troupe::rafiki
