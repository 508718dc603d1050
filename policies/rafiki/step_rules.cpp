#include "policies/rafiki/step_rules.hpp"

#include <algorithm>

namespace troupe::rafiki {

bool should_wait(size_t queued, uint32_t batch, double oldest_wait_s,
                 double finish_s, double tau_s) {
  if (queued == 0)
    return true;
  return queued < batch && oldest_wait_s + finish_s + 0.1 * tau_s < tau_s;
}

double occupy(std::vector<double>& busy_s, const std::vector<size_t>& selected,
              const tables& t, uint32_t batch_index) {
  double slowest = 0;
  for (auto m : selected) {
    busy_s[m] += t.latency_s[m][batch_index];
    slowest = std::max(slowest, busy_s[m]);
  }
  return slowest;
}

double reward(double accuracy, size_t served, size_t overdue, double beta) {
  return accuracy * double(served) - beta * accuracy * double(overdue);
}

double time_advance(const std::vector<double>& busy_s, bool sync) {
  if (busy_s.empty())
    return 0;
  return sync ? *std::max_element(busy_s.begin(), busy_s.end())
              : *std::min_element(busy_s.begin(), busy_s.end());
}

void elapse(std::vector<double>& busy_s, double elapsed_s) {
  for (auto& b : busy_s)
    b = std::max(0.0, b - elapsed_s);
}

size_t observation_size(size_t models, size_t batch_sizes) {
  return 1 + models * batch_sizes + models + observed_queue;
}

std::vector<float> observation(const tables& t, double tau_s,
                               const std::vector<double>& busy_s,
                               const std::vector<double>& queue_waits_s) {
  std::vector<float> obs;
  obs.reserve(observation_size(t));
  obs.push_back(float(tau_s));
  for (const auto& row : t.latency_s)
    for (double x : row)
      obs.push_back(float(x));
  for (double b : busy_s)
    obs.push_back(float(b));
  auto shown = std::min(queue_waits_s.size(), observed_queue);
  for (size_t i = 0; i < shown; ++i)
    obs.push_back(float(queue_waits_s[i]));
  obs.resize(observation_size(t), 0.0f);
  return obs;
}

} // namespace troupe::rafiki
