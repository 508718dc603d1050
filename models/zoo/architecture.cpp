#include "models/zoo/architecture.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace troupe {

std::string architecture::summary() const {
  std::string result;
  for (const auto& l : layers) {
    if (!result.empty())
      result += ' ';
    switch (l.kind) {
      case layer::normalize:
        result += fmt::format("normalize({:g},{:g})", l.mean, l.stddev);
        break;
      case layer::conv:
        result += fmt::format("conv({},{}x{},pad {})", l.out, l.kernel,
                              l.kernel, l.padding);
        break;
      case layer::relu:
        result += "relu";
        break;
      case layer::max_pool:
        result += fmt::format("max_pool({})", l.kernel);
        break;
      case layer::flatten:
        result += "flatten";
        break;
      case layer::linear:
        result += fmt::format("linear({})", l.out);
        break;
    }
  }
  return result;
}

std::vector<parameter_shape> architecture::parameters(int64_t channels,
                                                      int64_t height,
                                                      int64_t width) const {
  std::vector<parameter_shape> result;
  bool flat = false;
  int64_t features = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    auto misfit = [&](const std::string& why) {
      return std::invalid_argument(
        fmt::format("{}: layer {} ({}): {}", name, i, summary(), why));
    };
    switch (l.kind) {
      case layer::normalize:
      case layer::relu:
        break;
      case layer::conv: {
        if (flat)
          throw misfit("a convolution after flatten");
        auto fan_in = channels * l.kernel * l.kernel;
        result.push_back({fmt::format("w{}", i),
                          {l.out, channels, l.kernel, l.kernel}, fan_in});
        result.push_back({fmt::format("b{}", i), {l.out}, fan_in});
        channels = l.out;
        height = height + 2 * l.padding - l.kernel + 1;
        width = width + 2 * l.padding - l.kernel + 1;
        if (height <= 0 || width <= 0)
          throw misfit("the kernel is larger than its input");
        break;
      }
      case layer::max_pool:
        if (flat || l.kernel <= 0 || height < l.kernel || width < l.kernel)
          throw misfit("the window does not fit its input");
        height /= l.kernel;
        width /= l.kernel;
        break;
      case layer::flatten:
        flat = true;
        features = channels * height * width;
        break;
      case layer::linear:
        if (!flat)
          throw misfit("a linear layer before flatten");
        result.push_back({fmt::format("w{}", i), {l.out, features}, features});
        result.push_back({fmt::format("b{}", i), {l.out}, features});
        features = l.out;
        break;
    }
  }
  if (!flat)
    throw std::invalid_argument(name + ": no flatten layer");
  return result;
}

std::string architecture::script_source() const {
  std::string body;
  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    switch (l.kind) {
      case layer::normalize:
        body += fmt::format("    x = (x - {:.9g}) / {:.9g}\n", l.mean,
                            l.stddev);
        break;
      case layer::conv:
        body += fmt::format("    x = torch.conv2d(x, self.w{0}, self.b{0}, "
                            "[1, 1], [{1}, {1}])\n",
                            i, l.padding);
        break;
      case layer::relu:
        body += "    x = torch.relu(x)\n";
        break;
      case layer::max_pool:
        body += fmt::format("    x = torch.max_pool2d(x, [{0}, {0}])\n",
                            l.kernel);
        break;
      case layer::flatten:
        body += "    x = torch.flatten(x, 1)\n";
        break;
      case layer::linear:
        body += fmt::format("    x = torch.addmm(self.b{0}, x, "
                            "self.w{0}.t())\n",
                            i);
        break;
    }
  }
  return "def forward(self, x):\n" + body + "    return x\n";
}

std::vector<architecture> default_zoo() {
  auto normalize = [] {
    layer l;
    l.kind = layer::normalize;
    l.mean = fashion_mnist_mean;
    l.stddev = fashion_mnist_stddev;
    return l;
  };
  auto conv = [](int64_t out, int64_t kernel, int64_t padding) {
    layer l;
    l.kind = layer::conv;
    l.out = out;
    l.kernel = kernel;
    l.padding = padding;
    return l;
  };
  auto simple = [](layer::kind_t kind) {
    layer l;
    l.kind = kind;
    return l;
  };
  auto pool = [](int64_t window) {
    layer l;
    l.kind = layer::max_pool;
    l.kernel = window;
    return l;
  };
  auto linear = [](int64_t out) {
    layer l;
    l.kind = layer::linear;
    l.out = out;
    return l;
  };
  auto relu = simple(layer::relu);
  auto flatten = simple(layer::flatten);
  std::vector<architecture> zoo;
  zoo.push_back({"logreg", "logistic regression on the pixels",
                 {normalize(), flatten, linear(10)}, 2, 1e-3});
  zoo.push_back({"mlp", "one hidden layer of 128 ReLU units",
                 {normalize(), flatten, linear(128), relu, linear(10)}, 3,
                 1e-3});
  zoo.push_back({"cnn-small",
                 "two 5x5 convolutions (8 and 16 channels) with max pooling, "
                 "then a linear layer",
                 {normalize(), conv(8, 5, 2), relu, pool(2), conv(16, 5, 2),
                  relu, pool(2), flatten, linear(10)},
                 3, 2e-3});
  zoo.push_back({"cnn-wide",
                 "two 3x3 convolutions (32 and 64 channels) with max pooling, "
                 "then 128 ReLU units",
                 {normalize(), conv(32, 3, 1), relu, pool(2), conv(64, 3, 1),
                  relu, pool(2), flatten, linear(128), relu, linear(10)},
                 2, 1e-3});
  return zoo;
}

} // namespace troupe
