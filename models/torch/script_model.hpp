#pragma once

// A TorchScript module loaded from a file (a zoo model's model.pt, or a
// user's own exported from PyTorch), run for inference. LibTorch stays in
// script_model.cpp: this header is cheap to include.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messages/request.hpp"

namespace troupe {

/// A batch of scores: `rows` rows of `columns` floats, row-major.
struct score_matrix {
  int64_t rows = 0;
  int64_t columns = 0;
  std::vector<float> values;
};

class script_model {
public:
  /// Loads `file`; throws input_error naming it when it is missing or not a
  /// TorchScript module.
  static script_model load(const std::string& file);

  /// Runs forward on `inputs`, a row-major float tensor of `shape` (the
  /// batch first), without gradients. Throws std::runtime_error when the
  /// module rejects the input or does not return a 2-D float tensor with
  /// one row per input.
  score_matrix forward(const float* inputs,
                       const std::vector<int64_t>& shape) const;

  const std::string& file() const {
    return file_;
  }

private:
  struct impl;
  script_model(std::string file, std::shared_ptr<impl> x);

  std::string file_;
  /// Shared: copies of a script_model run the same module (forward is safe
  /// to call from several threads).
  std::shared_ptr<impl> impl_;
};

/// Each row as a classifier's output: softmax probabilities (shape
/// [columns]) and the most probable class as the label.
std::vector<output> class_outputs(const score_matrix& scores);

/// Sizes LibTorch's thread pools: `intra_op` threads for one operator, one
/// inter-op thread. OpenMP keeps the intra-op size per thread: a thread
/// that runs forward passes (a detached replica) calls this itself, or its
/// passes use one OpenMP thread per core.
void set_torch_threads(int intra_op);

} // namespace troupe
