// LibTorch's TorchScript loader lives here: <torch/script.h> costs ~8 s to
// compile.

#include "models/torch/script_model.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include <ATen/Parallel.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>

#include <fmt/format.h>

#include "models/input_error.hpp"

namespace troupe {

struct script_model::impl {
  torch::jit::Module module;
};

script_model::script_model(std::string file, std::shared_ptr<impl> x)
  : file_(std::move(file)), impl_(std::move(x)) {
  // nop
}

script_model script_model::load(const std::string& file) {
  // TorchScript's profiling executor re-optimises a graph for each new input
  // shape it meets, and a call that does so takes tens of milliseconds: with
  // dynamic batching every batch size is a new shape, so a served model
  // would stall now and then for the whole run. Run graphs as they are.
  torch::jit::setGraphExecutorOptimize(false);
  auto x = std::make_shared<impl>();
  try {
    x->module = torch::jit::load(file);
  } catch (const c10::Error& err) {
    std::string why = err.what_without_backtrace();
    // LibTorch's message ends with its own source location: keep the first
    // line.
    why = why.substr(0, why.find('\n'));
    throw input_error(file, 0, "",
                      "cannot load a TorchScript module: " + why);
  }
  x->module.eval();
  return script_model{file, std::move(x)};
}

score_matrix script_model::forward(const float* inputs,
                                   const std::vector<int64_t>& shape) const {
  c10::InferenceMode no_autograd;
  // from_blob does not copy: the caller's buffer outlives the call.
  auto input = torch::from_blob(const_cast<float*>(inputs), shape,
                                torch::kFloat32);
  torch::Tensor out;
  try {
    auto result = impl_->module.forward({input});
    if (!result.isTensor())
      throw std::runtime_error(file_ + ": forward returned no tensor");
    out = result.toTensor();
  } catch (const c10::Error& err) {
    std::string why = err.what_without_backtrace();
    throw std::runtime_error(
      fmt::format("{}: forward failed: {}", file_, why.substr(0, why.find('\n'))));
  }
  if (out.dim() != 2 || out.size(0) != shape.at(0))
    throw std::runtime_error(
      fmt::format("{}: forward returned shape {}; expected [{}, classes]",
                  file_, fmt::join(out.sizes().vec(), "x"), shape.at(0)));
  out = out.to(torch::kFloat32).contiguous();
  score_matrix result;
  result.rows = out.size(0);
  result.columns = out.size(1);
  result.values.assign(out.data_ptr<float>(),
                       out.data_ptr<float>() + out.numel());
  return result;
}

std::vector<output> class_outputs(const score_matrix& scores) {
  std::vector<output> result(static_cast<size_t>(scores.rows));
  auto columns = static_cast<size_t>(scores.columns);
  for (size_t r = 0; r < result.size(); ++r) {
    const auto* row = scores.values.data() + r * columns;
    auto& out = result[r];
    out.shape = {scores.columns};
    out.values.resize(columns);
    // Softmax, shifted by the largest score so that exp cannot overflow.
    auto top = std::max_element(row, row + columns);
    out.label = static_cast<int32_t>(top - row);
    double sum = 0;
    for (size_t c = 0; c < columns; ++c)
      sum += out.values[c] = std::exp(row[c] - *top);
    for (auto& v : out.values)
      v = static_cast<float>(v / sum);
  }
  return result;
}

void set_torch_threads(int intra_op) {
  // Inter-op parallelism can be set once only, before any parallel work.
  static std::once_flag interop;
  std::call_once(interop, [] {
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already used: keep LibTorch's.
    }
  });
  at::set_num_threads(std::max(1, intra_op));
}

} // namespace troupe
