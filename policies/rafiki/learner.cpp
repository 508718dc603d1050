#include "policies/rafiki/learner.hpp"

#include <cmath>
#include <fstream>
#include <stdexcept>

#if defined(__SSE__)
#  include <xmmintrin.h>
#endif

#include <fmt/format.h>

#include "models/input_error.hpp"
#include "models/output_file.hpp"

namespace troupe::rafiki {

namespace {

/// While it lives, floats too small for a normal number count as 0 on this
/// thread. A trained network's saturated tanh units make such tiny values,
/// and the CPU's slow path for them cut training to a third of its speed.
class flush_tiny_floats {
public:
  flush_tiny_floats() {
#if defined(__SSE__)
    saved_ = _mm_getcsr();
    // Flush-to-zero (bit 15) and denormals-are-zero (bit 6).
    _mm_setcsr(saved_ | 0x8040);
#endif
  }

  ~flush_tiny_floats() {
#if defined(__SSE__)
    _mm_setcsr(saved_);
#endif
  }

  flush_tiny_floats(const flush_tiny_floats&) = delete;
  flush_tiny_floats& operator=(const flush_tiny_floats&) = delete;

private:
  unsigned saved_ = 0;
};

} // namespace

void softmax(const std::vector<float>& logits, std::vector<double>& probs,
             std::vector<double>& log_probs) {
  double top = logits.empty() ? 0.0 : double(logits[0]);
  for (float z : logits)
    top = std::max(top, double(z));
  double sum = 0;
  for (float z : logits)
    sum += std::exp(double(z) - top);
  double log_sum = std::log(sum) + top;
  probs.resize(logits.size());
  log_probs.resize(logits.size());
  for (size_t j = 0; j < logits.size(); ++j) {
    log_probs[j] = double(logits[j]) - log_sum;
    probs[j] = std::exp(log_probs[j]);
  }
}

learner::learner(size_t observations, size_t actions, learner_options options)
  : options_(std::move(options)), engine_(options_.seed) {
  if (options_.algorithm != "a2c" && options_.algorithm != "reinforce")
    throw std::invalid_argument("unknown algorithm '" + options_.algorithm
                                + "' (a2c or reinforce)");
  if (options_.num_steps == 0)
    throw std::invalid_argument("num_steps must be at least 1");
  auto h = options_.hidden;
  policy_ = mlp{{observations, h, h, actions}, engine_};
  value_ = mlp{{observations, h, h, 1}, engine_};
  square_avg_.assign(policy_.parameters().size() + value_.parameters().size(),
                     0.0f);
}

choice learner::act(const decision_view& view) {
  flush_tiny_floats fast_math;
  if (!frozen_ && options_.max_frames > 0 && frames_ >= options_.max_frames) {
    choice done;
    done.exhausted = true;
    return done;
  }
  auto p = policy_.forward(view.observation);
  std::vector<double> probs;
  std::vector<double> log_probs;
  softmax(p.output(), probs, log_probs);
  if (frozen_) {
    size_t best = 0;
    for (size_t j = 1; j < probs.size(); ++j)
      if (probs[j] > probs[best])
        best = j;
    return {best};
  }
  std::discrete_distribution<size_t> pick(probs.begin(), probs.end());
  auto action = pick(engine_);
  frame f;
  if (options_.algorithm == "a2c")
    f.value = value_.forward(view.observation);
  // A full rollout learns once the next observation's value is known.
  if (rollout_.size() == options_.num_steps)
    update(options_.algorithm == "a2c" ? double(f.value.output()[0]) : 0.0);
  f.policy = std::move(p);
  f.action = action;
  rollout_.push_back(std::move(f));
  ++frames_;
  return {action};
}

void learner::rewarded(double reward) {
  if (!frozen_ && !rollout_.empty())
    rollout_.back().reward = reward;
}

double learner::gradient(const std::vector<frame>& rollout, double bootstrap,
                         std::vector<float>& grads,
                         update_stats& stats) const {
  auto policy_size = policy_.parameters().size();
  grads.assign(policy_size + value_.parameters().size(), 0.0f);
  auto steps = rollout.size();
  double inv = 1.0 / double(steps);
  bool a2c = options_.algorithm == "a2c";
  // Advantages: GAE for a2c, the immediate reward for reinforce.
  std::vector<double> advantages(steps);
  std::vector<double> returns(steps);
  double gae = 0;
  for (size_t t = steps; t-- > 0;) {
    if (!a2c) {
      advantages[t] = rollout[t].reward;
      continue;
    }
    double v = rollout[t].value.output()[0];
    double next = t + 1 < steps ? double(rollout[t + 1].value.output()[0])
                                : bootstrap;
    double delta = rollout[t].reward + options_.gamma * next - v;
    gae = delta + options_.gamma * options_.gae_lambda * gae;
    advantages[t] = gae;
    returns[t] = gae + v;
  }
  stats = {};
  std::vector<double> probs;
  std::vector<double> log_probs;
  for (size_t t = 0; t < steps; ++t) {
    const auto& f = rollout[t];
    softmax(f.policy.output(), probs, log_probs);
    double entropy = 0;
    for (size_t j = 0; j < probs.size(); ++j)
      entropy -= probs[j] * log_probs[j];
    stats.policy_loss -= advantages[t] * log_probs[f.action] * inv;
    stats.entropy += entropy * inv;
    std::vector<float> logit_grad(probs.size());
    for (size_t j = 0; j < probs.size(); ++j) {
      double onehot = j == f.action ? 1.0 : 0.0;
      double g = -advantages[t] * (onehot - probs[j]);
      if (a2c)
        g += options_.entropy_coef * probs[j] * (log_probs[j] + entropy);
      logit_grad[j] = float(g * inv);
    }
    policy_.backward(f.policy, logit_grad, grads.data());
    if (a2c) {
      double v = f.value.output()[0];
      stats.value_loss += (returns[t] - v) * (returns[t] - v) * inv;
      std::vector<float> value_grad{
        float(options_.value_coef * 2.0 * (v - returns[t]) * inv)};
      value_.backward(f.value, value_grad, grads.data() + policy_size);
    }
  }
  double loss = stats.policy_loss;
  if (a2c)
    loss += options_.value_coef * stats.value_loss
            - options_.entropy_coef * stats.entropy;
  return loss;
}

TROUPE_VECTOR_CLONES void learner::apply(std::vector<float>& grads) {
  double norm = 0;
  for (float g : grads)
    norm += double(g) * double(g);
  norm = std::sqrt(norm);
  if (options_.algorithm == "a2c" && norm > options_.max_grad_norm) {
    auto scale = float(options_.max_grad_norm / (norm + 1e-6));
    for (auto& g : grads)
      g *= scale;
  }
  auto alpha = float(options_.rms_alpha);
  auto lr = float(options_.lr);
  auto eps = float(options_.rms_eps);
  auto step = [&](std::vector<float>& params, size_t offset) {
    for (size_t i = 0; i < params.size(); ++i) {
      auto g = grads[offset + i];
      auto& sq = square_avg_[offset + i];
      sq = alpha * sq + (1 - alpha) * g * g;
      params[i] -= lr * g / (std::sqrt(sq) + eps);
    }
  };
  step(policy_.parameters(), 0);
  if (options_.algorithm == "a2c")
    step(value_.parameters(), policy_.parameters().size());
}

void learner::update(double bootstrap) {
  update_stats stats;
  gradient(rollout_, bootstrap, grads_, stats);
  apply(grads_);
  rollout_.clear();
  ++updates_;
}

namespace {

constexpr const char* policy_magic = "troupe-rafiki-policy 1";

void write_net(std::ostream& out, const char* name, const mlp& net) {
  out << name;
  for (auto s : net.sizes())
    out << " " << s;
  out << "\n";
  for (size_t i = 0; i < net.parameters().size(); ++i)
    out << fmt::format("{}{}", net.parameters()[i],
                       (i + 1) % 8 == 0 ? "\n" : " ");
  out << "\n";
}

void read_net(std::istream& in, const std::string& path, const char* name,
              mlp& net) {
  std::string word;
  in >> word;
  if (word != name)
    throw input_error(path, 0, name, "expected the " + std::string{name}
                                       + " network, got '" + word + "'");
  for (auto expected : net.sizes()) {
    size_t size = 0;
    in >> size;
    if (!in || size != expected)
      throw input_error(path, 0, name,
                        fmt::format("layer sizes differ from this scenario's "
                                    "({} expected, {} found)",
                                    expected, size));
  }
  for (auto& p : net.parameters())
    if (!(in >> p) || !std::isfinite(p))
      throw input_error(path, 0, name, "missing or non-finite parameter");
}

} // namespace

void learner::save(const std::string& path) const {
  output_file file{path};
  auto& out = file.stream();
  out << policy_magic << "\nalgorithm " << options_.algorithm << "\n";
  write_net(out, "policy", policy_);
  write_net(out, "value", value_);
  file.commit();
}

void learner::load(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    throw input_error(path, 0, "", "cannot open policy file");
  std::string magic;
  std::getline(in, magic);
  if (magic != policy_magic)
    throw input_error(path, 1, "", "not a troupe Rafiki policy (expected '"
                                     + std::string{policy_magic} + "')");
  std::string word, algorithm;
  in >> word >> algorithm;
  read_net(in, path, "policy", policy_);
  read_net(in, path, "value", value_);
}

} // namespace troupe::rafiki
