#include "policies/rafiki/mlp.hpp"

#include <cmath>
#include <stdexcept>

namespace troupe::rafiki {

namespace {

/// tanh through one exp: libm's tanhf was a sixth of training's time. Its
/// error (a few 1e-8, absolute) is far below what the learning notices;
/// exp's overflow and underflow give exactly 1 and -1.
inline float fast_tanh(float x) {
  return 1.0f - 2.0f / (std::exp(2.0f * x) + 1.0f);
}

} // namespace

mlp::mlp(std::vector<size_t> sizes, std::mt19937_64& engine)
  : sizes_(std::move(sizes)) {
  if (sizes_.size() < 2)
    throw std::invalid_argument("an mlp needs inputs and outputs");
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    auto in = sizes_[l];
    auto out = sizes_[l + 1];
    offsets_.push_back(params_.size());
    auto bound = 1.0f / std::sqrt(float(in));
    std::uniform_real_distribution<float> init(-bound, bound);
    params_.resize(params_.size() + out * in + out);
    for (size_t i = offsets_.back(); i < params_.size(); ++i)
      params_[i] = init(engine);
  }
}

TROUPE_VECTOR_CLONES mlp::trace mlp::forward(const std::vector<float>& input) const {
  trace t;
  t.layers.reserve(sizes_.size());
  t.layers.push_back(input);
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    auto in = sizes_[l];
    auto out = sizes_[l + 1];
    const float* w = params_.data() + offsets_[l];
    const float* b = w + out * in;
    const auto& x = t.layers.back();
    std::vector<float> y(out);
    for (size_t o = 0; o < out; ++o) {
      float sum = b[o];
      const float* row = w + o * in;
      for (size_t i = 0; i < in; ++i)
        sum += row[i] * x[i];
      y[o] = sum;
    }
    // tanh on hidden layers, linear output.
    if (l + 2 < sizes_.size())
      for (auto& v : y)
        v = fast_tanh(v);
    t.layers.push_back(std::move(y));
  }
  return t;
}

TROUPE_VECTOR_CLONES void mlp::backward(const trace& t,
                                        const std::vector<float>& output_grad,
                                        float* grads) const {
  std::vector<float> delta = output_grad;
  for (size_t l = sizes_.size() - 1; l-- > 0;) {
    auto in = sizes_[l];
    auto out = sizes_[l + 1];
    const float* w = params_.data() + offsets_[l];
    float* gw = grads + offsets_[l];
    float* gb = gw + out * in;
    const auto& x = t.layers[l];
    for (size_t o = 0; o < out; ++o) {
      gb[o] += delta[o];
      float* row = gw + o * in;
      for (size_t i = 0; i < in; ++i)
        row[i] += delta[o] * x[i];
    }
    if (l == 0)
      break;
    // Through the weights, then through the tanh of layer l's output.
    std::vector<float> previous(in, 0.0f);
    for (size_t o = 0; o < out; ++o) {
      const float* row = w + o * in;
      for (size_t i = 0; i < in; ++i)
        previous[i] += row[i] * delta[o];
    }
    for (size_t i = 0; i < in; ++i)
      previous[i] *= 1.0f - x[i] * x[i];
    delta = std::move(previous);
  }
}

} // namespace troupe::rafiki
