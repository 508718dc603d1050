#pragma once

// Fashion-MNIST (Zalando): 28x28 grey images of ten kinds of clothing,
// 60,000 for training and 10,000 for testing, from Debian's
// dataset-fashion-mnist package.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

/// Images with their labels, row-major bytes (0 = background).
struct image_set {
  uint32_t rows = 0;
  uint32_t cols = 0;
  /// size() * rows * cols bytes.
  std::vector<uint8_t> pixels;
  std::vector<uint8_t> labels;

  size_t size() const {
    return labels.size();
  }

  size_t image_bytes() const {
    return size_t{rows} * cols;
  }

  /// The first `n` images (all if fewer): tests and quick runs use these.
  image_set first(size_t n) const;

  /// Image `i`'s pixels scaled to [0, 1], the zoo's input format.
  std::vector<float> scaled(size_t i) const;
};

enum class data_split { train, test };

/// Where Debian installs the data set.
constexpr const char* default_fashion_mnist_dir
  = "/usr/share/datasets/fashion-mnist";

/// The ten class names, by label.
const std::array<const char*, 10>& fashion_mnist_classes();

/// Reads one split from `dir` (train-*-ubyte.gz or t10k-*-ubyte.gz). Throws
/// input_error naming the file when one is missing, truncated or corrupt, or
/// when images and labels disagree.
image_set load_fashion_mnist(const std::string& dir, data_split split);

} // namespace troupe
