// LibTorch lives here (and in models/torch/): <torch/torch.h> costs ~20 s
// to compile.

#include "models/zoo/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

// GCC 12 warns, falsely, that the optional generator inside LibTorch's
// Tensor::uniform_ "may be used uninitialized" where it is inlined into
// train_and_save: the warning is about LibTorch's header (c10's
// intrusive_ptr), not this file, and Clang and the sanitizers see nothing.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <torch/script.h>
#include <torch/torch.h>

#include <fmt/format.h>

namespace troupe {

namespace {

/// The architecture's forward pass with LibTorch's functional ops: the same
/// computation as architecture::script_source().
torch::Tensor run_layers(const architecture& arch,
                         const std::vector<torch::Tensor>& params,
                         torch::Tensor x) {
  size_t next = 0;
  for (const auto& l : arch.layers) {
    switch (l.kind) {
      case layer::normalize:
        x = (x - l.mean) / l.stddev;
        break;
      case layer::conv: {
        const auto& w = params[next++];
        const auto& b = params[next++];
        x = torch::conv2d(x, w, b, 1, l.padding);
        break;
      }
      case layer::relu:
        x = torch::relu(x);
        break;
      case layer::max_pool:
        x = torch::max_pool2d(x, l.kernel);
        break;
      case layer::flatten:
        x = torch::flatten(x, 1);
        break;
      case layer::linear: {
        const auto& w = params[next++];
        const auto& b = params[next++];
        x = torch::addmm(b, x, w.t());
        break;
      }
    }
  }
  return x;
}

/// Images [first, first + n) of the order as a [n, 1, rows, cols] float
/// tensor in [0, 1], and their labels.
std::pair<torch::Tensor, torch::Tensor>
make_batch(const image_set& data, const std::vector<size_t>& order,
           size_t first, size_t n) {
  auto bytes = data.image_bytes();
  auto images = torch::empty({int64_t(n), 1, int64_t(data.rows),
                              int64_t(data.cols)},
                             torch::kUInt8);
  auto labels = torch::empty({int64_t(n)}, torch::kInt64);
  auto* pixels = images.data_ptr<uint8_t>();
  auto* out_labels = labels.data_ptr<int64_t>();
  for (size_t i = 0; i < n; ++i) {
    auto index = order[first + i];
    std::copy_n(data.pixels.data() + index * bytes, bytes,
                pixels + i * bytes);
    out_labels[i] = data.labels[index];
  }
  return {images.to(torch::kFloat32).div_(255.0), labels};
}

} // namespace

training_result train_and_save(const architecture& arch, const image_set& data,
                               const training_options& options,
                               const std::string& model_file,
                               const progress_callback& progress) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  auto seconds_since_start = [&] {
    return std::chrono::duration<double>(clock::now() - started).count();
  };
  torch::manual_seed(options.seed);
  std::mt19937_64 shuffle_rng{options.seed};
  // Initial weights as PyTorch's layers draw them: U(-1/sqrt(fan_in),
  // 1/sqrt(fan_in)).
  auto shapes = arch.parameters(1, data.rows, data.cols);
  std::vector<torch::Tensor> params;
  training_result result;
  for (const auto& p : shapes) {
    auto bound = 1.0 / std::sqrt(double(p.fan_in));
    params.push_back(torch::empty(p.shape).uniform_(-bound, bound)
                       .requires_grad_(true));
    result.parameters += uint64_t(params.back().numel());
  }
  torch::optim::Adam optimizer{params,
                               torch::optim::AdamOptions(arch.learning_rate)};
  result.epochs = options.epochs > 0 ? options.epochs : arch.epochs;
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto total_steps = double(result.epochs) * double(data.size());
  training_progress status;
  status.model = arch.name;
  status.epochs = result.epochs;
  status.images = data.size();
  for (uint32_t epoch = 1; epoch <= result.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    double loss_sum = 0;
    size_t right = 0;
    size_t seen = 0;
    size_t steps = 0;
    for (size_t first = 0; first < data.size(); first += options.batch_size) {
      auto n = std::min<size_t>(options.batch_size, data.size() - first);
      auto [images, labels] = make_batch(data, order, first, n);
      auto scores = run_layers(arch, params, images);
      auto loss = torch::nn::functional::cross_entropy(scores, labels);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * double(n);
      right += size_t(scores.argmax(1).eq(labels).sum().item<int64_t>());
      seen += n;
      if (progress && (++steps % 50 == 0 || seen == data.size())) {
        status.epoch = epoch;
        status.seen = seen;
        status.loss = loss_sum / double(seen);
        status.accuracy = double(right) / double(seen);
        status.elapsed_s = seconds_since_start();
        auto done = double(epoch - 1) * double(data.size()) + double(seen);
        status.remaining_s = status.elapsed_s / done * (total_steps - done);
        progress(status);
      }
    }
    auto mean_loss = seen > 0 ? loss_sum / double(seen) : 0.0;
    if (epoch == 1)
      result.first_epoch_loss = mean_loss;
    result.last_epoch_loss = mean_loss;
    result.train_accuracy = seen > 0 ? double(right) / double(seen) : 0.0;
  }
  {
    c10::InferenceMode no_autograd;
    std::vector<size_t> first(std::min<size_t>(8, data.size()));
    std::iota(first.begin(), first.end(), size_t{0});
    auto images = make_batch(data, first, 0, first.size()).first;
    auto probabilities = torch::softmax(run_layers(arch, params, images), 1)
                           .contiguous();
    for (int64_t r = 0; r < probabilities.size(0); ++r) {
      const auto* row = probabilities[r].data_ptr<float>();
      result.first_probabilities.emplace_back(row,
                                              row + probabilities.size(1));
    }
  }
  // The served module: the trained tensors as parameters, and the forward
  // the architecture describes.
  torch::jit::Module module{"ZooModel"};
  for (size_t i = 0; i < shapes.size(); ++i)
    module.register_parameter(shapes[i].name, params[i].detach().clone(),
                              false);
  module.define(arch.script_source());
  try {
    module.save(model_file);
  } catch (const c10::Error& err) {
    throw std::runtime_error(
      fmt::format("cannot write {}: {}", model_file, err.what_without_backtrace()));
  }
  result.training_s = seconds_since_start();
  return result;
}

} // namespace troupe
