#pragma once

// Rafiki's learners (seed 000, SEEDS.md 1), as agents that learn while they
// act:
//  - a2c (the 2018 version): policy and value MLPs 216-64-64 (tanh);
//    every num_steps frames, advantages by GAE (gamma 0.99, lambda 0.95)
//    bootstrapped from the value of the next observation; loss = policy
//    loss + 0.5 value loss - 0.01 entropy; gradient norm clipped at 0.5;
//    RMSprop (alpha 0.99, eps 1e-5).
//  - reinforce (the later version): the policy alone, each action weighted
//    by its immediate reward, every num_steps frames, no clipping.
// The networks and their gradients are plain C++ (policies/rafiki/mlp.hpp);
// tests check the gradients against finite differences.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "policies/rafiki/agent.hpp"
#include "policies/rafiki/mlp.hpp"

namespace troupe::rafiki {

struct learner_options {
  /// "a2c" or "reinforce".
  std::string algorithm = "a2c";
  size_t num_steps = 5;
  double lr = 7e-4;
  double gamma = 0.99;
  double gae_lambda = 0.95;
  double entropy_coef = 0.01;
  double value_coef = 0.5;
  double max_grad_norm = 0.5;
  double rms_alpha = 0.99;
  double rms_eps = 1e-5;
  size_t hidden = 64;
  uint64_t seed = 1;
  /// Acts this many times at most, then says exhausted (0: no limit).
  uint64_t max_frames = 0;
};

/// One frame of a rollout.
struct frame {
  mlp::trace policy;
  mlp::trace value;
  size_t action = 0;
  double reward = 0;
};

/// What the loss of an update was made of.
struct update_stats {
  double policy_loss = 0;
  double value_loss = 0;
  double entropy = 0;
};

class learner : public agent {
public:
  learner(size_t observations, size_t actions, learner_options options);

  choice act(const decision_view& view) override;
  void rewarded(double reward) override;

  /// Acting only: the most probable action, no learning.
  void freeze() {
    frozen_ = true;
  }

  /// The loss's gradient over `rollout` (flattened: policy parameters, then
  /// value parameters) and the loss itself; `bootstrap` is the value of the
  /// observation after the last frame. Public for the gradient tests.
  double gradient(const std::vector<frame>& rollout, double bootstrap,
                  std::vector<float>& grads, update_stats& stats) const;

  /// Applies one RMSprop step with `grads` (clipped first for a2c).
  void apply(std::vector<float>& grads);

  mlp& policy() {
    return policy_;
  }

  mlp& value() {
    return value_;
  }

  const learner_options& options() const {
    return options_;
  }

  uint64_t frames() const {
    return frames_;
  }

  uint64_t updates() const {
    return updates_;
  }

  /// Writes both networks (a text file: sizes, then every parameter);
  /// throws std::runtime_error when it cannot.
  void save(const std::string& path) const;

  /// Reads what save() wrote; throws input_error naming the file and what
  /// does not fit (sizes that differ from this learner's).
  void load(const std::string& path);

private:
  void update(double bootstrap);

  learner_options options_;
  std::mt19937_64 engine_;
  mlp policy_;
  mlp value_;
  std::vector<float> square_avg_;
  /// The last update's gradient (kept to reuse its memory).
  std::vector<float> grads_;
  std::vector<frame> rollout_;
  bool frozen_ = false;
  uint64_t frames_ = 0;
  uint64_t updates_ = 0;
};

/// softmax(logits) and log-softmax, in double.
void softmax(const std::vector<float>& logits, std::vector<double>& probs,
             std::vector<double>& log_probs);

} // namespace troupe::rafiki
