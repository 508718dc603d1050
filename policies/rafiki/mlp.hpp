#pragma once

// A small multilayer perceptron with tanh hidden layers and a linear
// output, in plain C++: Rafiki's policy and value networks (216-64-64)
// are small enough that LibTorch's per-operation overhead, not arithmetic,
// would set the training speed (measured: a LibTorch A2C update of 5 frames
// took ~0.8 ms, acting ~45 us a frame; this does both in a few us). Weights
// start as PyTorch's nn.Linear does: uniform in +-1/sqrt(inputs).

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

// The learner's hot loops also get a copy built for AVX2 and FMA, and the
// loader picks the one this CPU runs (GCC's function multiversioning); on
// other compilers and CPUs there is one portable copy.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#  define TROUPE_VECTOR_CLONES                                                \
    __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#  define TROUPE_VECTOR_CLONES
#endif

namespace troupe::rafiki {

class mlp {
public:
  mlp() = default;

  /// sizes = {inputs, hidden..., outputs}; at least two entries.
  mlp(std::vector<size_t> sizes, std::mt19937_64& engine);

  size_t inputs() const {
    return sizes_.front();
  }

  size_t outputs() const {
    return sizes_.back();
  }

  /// The activations of every layer for one input, for backward().
  struct trace {
    std::vector<std::vector<float>> layers;

    const std::vector<float>& output() const {
      return layers.back();
    }
  };

  /// One input of inputs() values.
  trace forward(const std::vector<float>& input) const;

  /// Adds the gradient of a loss to grads[0, parameters().size()) (same
  /// layout as parameters()), given the loss's gradient by the outputs of
  /// the pass `t`.
  void backward(const trace& t, const std::vector<float>& output_grad,
                float* grads) const;

  /// Every weight and bias, layer by layer (each layer: weights row-major
  /// [outputs x inputs], then biases).
  std::vector<float>& parameters() {
    return params_;
  }

  const std::vector<float>& parameters() const {
    return params_;
  }

  const std::vector<size_t>& sizes() const {
    return sizes_;
  }

private:
  std::vector<size_t> sizes_;
  /// Where each layer's weights start in params_.
  std::vector<size_t> offsets_;
  std::vector<float> params_;
};

} // namespace troupe::rafiki
