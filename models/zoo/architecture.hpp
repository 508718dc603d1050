#pragma once

// A zoo model's architecture: a plain sequence of layers over a
// [N, C, H, W] image batch. The same description drives training (the
// trainer runs it with LibTorch's functional ops) and export (script_source
// writes the TorchScript forward that the served model.pt runs), so that
// what is served is what was trained. Torch-free on purpose.

#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

struct layer {
  enum kind_t { normalize, conv, relu, max_pool, flatten, linear };
  kind_t kind = relu;
  /// conv: output channels; linear: output features.
  int64_t out = 0;
  /// conv: kernel size (square); max_pool: window and stride.
  int64_t kernel = 0;
  /// conv: zero padding on each side.
  int64_t padding = 0;
  /// normalize: (x - mean) / stddev.
  double mean = 0;
  double stddev = 1;
};

/// A parameter tensor the architecture needs: its name in the module and
/// its shape.
struct parameter_shape {
  std::string name;
  std::vector<int64_t> shape;
  /// Inputs per output (for the initialisation bound 1/sqrt(fan_in)).
  int64_t fan_in = 1;
};

struct architecture {
  /// Short name: the model's folder in the repository.
  std::string name;
  std::string description;
  std::vector<layer> layers;
  /// Training settings that suit this architecture.
  uint32_t epochs = 1;
  double learning_rate = 1e-3;

  /// One line, e.g. "normalize conv(8,5x5,pad 2) relu max_pool(2) ...".
  std::string summary() const;

  /// The parameters for an input of [channels, height, width], in layer
  /// order; throws std::invalid_argument if a layer does not fit its input.
  std::vector<parameter_shape> parameters(int64_t channels, int64_t height,
                                          int64_t width) const;

  /// The TorchScript source of `forward(self, x)`, over parameters named as
  /// parameters() names them.
  std::string script_source() const;
};

/// Fashion-MNIST's pixel mean and standard deviation (pixels in [0, 1]).
constexpr double fashion_mnist_mean = 0.2860;
constexpr double fashion_mnist_stddev = 0.3530;

/// The default zoo, cheapest first: logistic regression, an MLP, a small CNN
/// and a wider CNN, of clearly different cost and accuracy.
std::vector<architecture> default_zoo();

} // namespace troupe
