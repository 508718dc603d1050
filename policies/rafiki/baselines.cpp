#include <random>

#include "policies/rafiki/agent.hpp"
#include "policies/rafiki/step_rules.hpp"

namespace troupe::rafiki {

namespace {

uint32_t all_models(size_t models) {
  return (uint32_t{1} << models) - 1;
}

uint32_t largest(const tables& t) {
  return static_cast<uint32_t>(t.batch_sizes.size() - 1);
}

class greedy_agent : public agent {
public:
  choice act(const decision_view& v) override {
    const auto& sizes = v.models.batch_sizes;
    if (v.queue_length < sizes.front() && v.oldest_wait_s < v.max_latency_s)
      return {0, 0.1};
    uint32_t index = 0;
    while (index + 1 < sizes.size() && sizes[index + 1] <= v.queue_length)
      ++index;
    return {v.actions.encode({all_models(v.models.models()), index})};
  }
};

class clipper_agent : public agent {
public:
  choice act(const decision_view& v) override {
    auto index = largest(v.models);
    if (v.queue_length < v.models.batch_sizes[index]
        && v.oldest_wait_s < v.max_latency_s)
      return {0, wait_tick_s};
    return {v.actions.encode({all_models(v.models.models()), index})};
  }
};

class all_max_agent : public agent {
public:
  choice act(const decision_view& v) override {
    return {v.actions.encode({all_models(v.models.models()),
                              largest(v.models)})};
  }
};

class best_single_agent : public agent {
public:
  choice act(const decision_view& v) override {
    size_t best = 0;
    double best_accuracy = -1;
    for (size_t m = 0; m < v.models.models(); ++m) {
      auto mask = v.actions.mask_of({m});
      if (v.models.accuracy[mask - 1] > best_accuracy) {
        best_accuracy = v.models.accuracy[mask - 1];
        best = m;
      }
    }
    return {v.actions.encode({v.actions.mask_of({best}), largest(v.models)})};
  }
};

class random_agent : public agent {
public:
  explicit random_agent(uint64_t seed) : engine_(seed) {
    // nop
  }

  choice act(const decision_view& v) override {
    std::uniform_int_distribution<size_t> pick(0, v.actions.size() - 1);
    return {pick(engine_)};
  }

private:
  std::mt19937_64 engine_;
};

class fixed_agent : public agent {
public:
  explicit fixed_agent(std::vector<size_t> actions)
    : actions_(std::move(actions)) {
    // nop
  }

  choice act(const decision_view&) override {
    if (next_ == actions_.size()) {
      choice done;
      done.exhausted = true;
      return done;
    }
    return {actions_[next_++]};
  }

private:
  std::vector<size_t> actions_;
  size_t next_ = 0;
};

} // namespace

std::unique_ptr<agent> make_baseline(const std::string& name, uint64_t seed) {
  if (name == "greedy")
    return std::make_unique<greedy_agent>();
  if (name == "clipper")
    return std::make_unique<clipper_agent>();
  if (name == "all-max")
    return std::make_unique<all_max_agent>();
  if (name == "best-single")
    return std::make_unique<best_single_agent>();
  if (name == "random")
    return std::make_unique<random_agent>(seed);
  return nullptr;
}

const std::vector<std::string>& baselines() {
  static const std::vector<std::string> names{"greedy", "clipper", "all-max",
                                              "best-single", "random"};
  return names;
}

std::string baseline_names() {
  std::string result;
  for (const auto& name : baselines())
    result += (result.empty() ? "" : ", ") + name;
  return result;
}

std::unique_ptr<agent> make_fixed_agent(std::vector<size_t> actions) {
  return std::make_unique<fixed_agent>(std::move(actions));
}

} // namespace troupe::rafiki
