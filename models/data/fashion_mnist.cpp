#include "models/data/fashion_mnist.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "models/data/idx_file.hpp"
#include "models/input_error.hpp"

namespace troupe {

image_set image_set::first(size_t n) const {
  n = std::min(n, size());
  image_set result;
  result.rows = rows;
  result.cols = cols;
  result.pixels.assign(pixels.begin(), pixels.begin() + n * image_bytes());
  result.labels.assign(labels.begin(), labels.begin() + n);
  return result;
}

std::vector<float> image_set::scaled(size_t i) const {
  std::vector<float> result(image_bytes());
  const auto* x = pixels.data() + i * image_bytes();
  for (size_t j = 0; j < result.size(); ++j)
    result[j] = float(x[j]) / 255.0f;
  return result;
}

const std::array<const char*, 10>& fashion_mnist_classes() {
  static const std::array<const char*, 10> names{
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

image_set load_fashion_mnist(const std::string& dir, data_split split) {
  auto prefix = split == data_split::train ? "train" : "t10k";
  auto path = [&](const char* what) {
    return (std::filesystem::path{dir}
            / fmt::format("{}-{}-ubyte.gz", prefix, what))
      .string();
  };
  auto images_file = path("images-idx3");
  auto labels_file = path("labels-idx1");
  auto images = read_idx(images_file, 3);
  auto labels = read_idx(labels_file, 1);
  if (images.dims[0] != labels.dims[0])
    throw input_error(labels_file, 0, "",
                      fmt::format("{} labels for {} images in {}",
                                  labels.dims[0], images.dims[0], images_file));
  if (images.dims[1] == 0 || images.dims[2] == 0)
    throw input_error(images_file, 0, "", "images of size zero");
  auto bad = std::find_if(labels.values.begin(), labels.values.end(),
                          [](uint8_t x) { return x >= 10; });
  if (bad != labels.values.end())
    throw input_error(labels_file, 0, "",
                      fmt::format("label {} at index {}; labels are 0 to 9",
                                  *bad, bad - labels.values.begin()));
  image_set result;
  result.rows = images.dims[1];
  result.cols = images.dims[2];
  result.pixels = std::move(images.values);
  result.labels = std::move(labels.values);
  return result;
}

} // namespace troupe
