// Rafiki's learners on tiny hand-made cases: the analytic gradient of the
// A2C and REINFORCE losses against central finite differences of the loss
// written out here independently (advantages by GAE computed in the test),
// and saving and loading a policy.

#include <boost/test/unit_test.hpp>

#include <cmath>

#include "models/input_error.hpp"
#include "policies/rafiki/learner.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;
using namespace troupe::rafiki;

namespace {

const std::vector<std::vector<float>> observations = {
  {0.5f, -1.0f, 0.25f}, {1.5f, 0.0f, -0.5f}, {-0.75f, 0.3f, 1.0f}};
const std::vector<size_t> actions = {2, 0, 3};
const std::vector<double> rewards = {1.0, -0.5, 2.0};
const std::vector<float> next_observation = {0.1f, 0.2f, -0.3f};

learner tiny(const std::string& algorithm) {
  learner_options o;
  o.algorithm = algorithm;
  o.hidden = 5;
  o.num_steps = 3;
  o.seed = 42;
  return learner{3, 4, o};
}

std::vector<frame> rollout_of(learner& l) {
  std::vector<frame> rollout;
  for (size_t t = 0; t < observations.size(); ++t) {
    frame f;
    f.policy = l.policy().forward(observations[t]);
    f.value = l.value().forward(observations[t]);
    f.action = actions[t];
    f.reward = rewards[t];
    rollout.push_back(std::move(f));
  }
  return rollout;
}

/// The loss with the advantages and returns held fixed (as PyTorch
/// detaches them), written from its definition.
double loss_of(learner& l, const std::vector<double>& advantages,
               const std::vector<double>& returns) {
  const auto& o = l.options();
  double loss = 0;
  double n = double(observations.size());
  for (size_t t = 0; t < observations.size(); ++t) {
    std::vector<double> p, logp;
    softmax(l.policy().forward(observations[t]).output(), p, logp);
    loss -= advantages[t] * logp[actions[t]] / n;
    if (o.algorithm != "a2c")
      continue;
    double v = l.value().forward(observations[t]).output()[0];
    double entropy = 0;
    for (size_t j = 0; j < p.size(); ++j)
      entropy -= p[j] * logp[j];
    loss += o.value_coef * (returns[t] - v) * (returns[t] - v) / n;
    loss -= o.entropy_coef * entropy / n;
  }
  return loss;
}

void check_gradient(const std::string& algorithm) {
  auto l = tiny(algorithm);
  const auto& o = l.options();
  // GAE by hand: delta_t = r_t + gamma V(t+1) - V(t), A_t = sum over k of
  // (gamma lambda)^k delta_(t+k); returns = A + V.
  std::vector<double> values;
  for (const auto& obs : observations)
    values.push_back(l.value().forward(obs).output()[0]);
  double bootstrap = l.value().forward(next_observation).output()[0];
  std::vector<double> advantages(3), returns(3);
  for (size_t t = 0; t < 3; ++t) {
    if (algorithm != "a2c") {
      advantages[t] = rewards[t];
      continue;
    }
    double sum = 0;
    double weight = 1;
    for (size_t k = t; k < 3; ++k) {
      double next = k + 1 < 3 ? values[k + 1] : bootstrap;
      sum += weight * (rewards[k] + o.gamma * next - values[k]);
      weight *= o.gamma * o.gae_lambda;
    }
    advantages[t] = sum;
    returns[t] = sum + values[t];
  }
  std::vector<float> grads;
  update_stats stats;
  auto loss = l.gradient(rollout_of(l), bootstrap, grads, stats);
  BOOST_CHECK_CLOSE(loss, loss_of(l, advantages, returns), 1e-3);
  // Central differences over every parameter of both networks.
  auto& policy = l.policy().parameters();
  auto& value = l.value().parameters();
  BOOST_REQUIRE_EQUAL(grads.size(), policy.size() + value.size());
  const float h = 1e-2f;
  double worst = 0;
  for (size_t i = 0; i < grads.size(); ++i) {
    auto& p = i < policy.size() ? policy[i] : value[i - policy.size()];
    auto saved = p;
    p = saved + h;
    auto up = loss_of(l, advantages, returns);
    p = saved - h;
    auto down = loss_of(l, advantages, returns);
    p = saved;
    auto numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(numeric - grads[i]));
  }
  BOOST_TEST_MESSAGE(algorithm << ": largest gradient error " << worst);
  BOOST_CHECK_LT(worst, 2e-3);
}

} // namespace

BOOST_AUTO_TEST_SUITE(rafiki_learners)

BOOST_AUTO_TEST_CASE(the_a2c_gradient_matches_finite_differences) {
  check_gradient("a2c");
}

BOOST_AUTO_TEST_CASE(the_reinforce_gradient_matches_finite_differences) {
  check_gradient("reinforce");
}

BOOST_AUTO_TEST_CASE(a_step_against_the_gradient_lowers_the_loss) {
  auto l = tiny("reinforce");
  std::vector<float> grads;
  update_stats stats;
  auto rollout = rollout_of(l);
  auto before = l.gradient(rollout, 0, grads, stats);
  l.apply(grads);
  auto after = l.gradient(rollout_of(l), 0, grads, stats);
  BOOST_CHECK_LT(after, before);
}

BOOST_AUTO_TEST_CASE(a_saved_policy_loads_back_exactly) {
  test::temp_dir dir;
  auto l = tiny("a2c");
  auto path = dir.path("policy.txt");
  l.save(path);
  learner_options other;
  other.hidden = 5;
  other.seed = 7;
  learner copy{3, 4, other};
  BOOST_CHECK(copy.policy().parameters() != l.policy().parameters());
  copy.load(path);
  BOOST_CHECK(copy.policy().parameters() == l.policy().parameters());
  BOOST_CHECK(copy.value().parameters() == l.value().parameters());
  learner_options wider = other;
  wider.hidden = 6;
  learner mismatch{3, 4, wider};
  BOOST_CHECK_THROW(mismatch.load(path), input_error);
}

BOOST_AUTO_TEST_SUITE_END()
