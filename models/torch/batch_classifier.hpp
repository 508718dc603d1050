#pragma once

// Runs one or more repository models on a batch of request payloads: turns
// each payload into an input (a data-set index becomes that image, an inline
// tensor is checked), runs every model once on all valid inputs together,
// and returns each model's outputs. Invalid payloads are set apart with the
// reason, so that the rest of the batch goes on.
//
// Blocking (a forward pass): call it from a detached actor in real time.

#include <memory>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/torch/script_model.hpp"

namespace troupe {

struct classified_batch {
  /// Per payload: empty when valid, else why not (it has no outputs).
  std::vector<std::string> invalid;
  /// outputs[m][i]: model m on payload i; default outputs at invalid ones.
  std::vector<std::vector<output>> outputs;
  /// Rows the models ran on: the valid inputs, or more when padded.
  size_t rows = 0;
};

class batch_classifier {
public:
  /// `model_files`: TorchScript modules taking [N, input_shape...] floats.
  /// `data`: where sample indexes resolve (may be null: then only inline
  /// tensors are valid). `threads`: LibTorch intra-op threads for the
  /// forward passes, set on the thread that classifies (OpenMP keeps the
  /// setting per thread). `classes`: the labels the models' configs name;
  /// a model returning another number of scores per input is an error (0:
  /// not checked). Throws input_error when a model cannot be loaded.
  batch_classifier(const std::vector<std::string>& model_files,
                   std::vector<int64_t> input_shape,
                   std::shared_ptr<const image_set> data, int threads = 1,
                   size_t classes = 0);

  /// `pad_to`: runs the models on at least this many rows, zeros after the
  /// inputs (a batch padded to a size chosen in advance costs that size).
  classified_batch classify(const std::vector<const payload*>& inputs,
                            size_t pad_to = 0) const;

  /// Runs every model once on zero inputs at each batch size from 1 to
  /// `max_batch`, on the calling thread (the one that will classify), so
  /// that served batches do not pay LibTorch's first call of a shape.
  void warm_up(uint32_t max_batch) const;

  size_t models() const {
    return models_.size();
  }

private:
  /// Sets this thread's LibTorch threads to `threads_` (once per thread).
  void configure_thread() const;

  /// Appends the payload's floats to `out`, or returns why it cannot.
  std::string gather(const payload& x, std::vector<float>& out) const;

  /// Model `m`'s scores for `inputs` of `shape`; throws std::runtime_error
  /// when they are not `classes_` per input.
  score_matrix forward(size_t m, const float* inputs,
                       const std::vector<int64_t>& shape) const;

  std::vector<script_model> models_;
  std::vector<int64_t> input_shape_;
  size_t input_size_ = 1;
  std::shared_ptr<const image_set> data_;
  int threads_ = 1;
  size_t classes_ = 0;
};

} // namespace troupe
