#pragma once

// The model zoo: trains the default architectures (models/zoo) on
// Fashion-MNIST into a model repository, or reuses what is there, and
// evaluates repository models on the test set.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/model_repository.hpp"
#include "models/zoo/trainer.hpp"

namespace troupe {

struct zoo_options {
  std::string repository = default_repository;
  std::string data_dir = default_fashion_mnist_dir;
  /// Architectures to build (default_zoo() names); empty = all.
  std::vector<std::string> models;
  training_options training;
  /// Train on the first this many training images; 0 = all 60,000 (tests
  /// and quick looks use fewer).
  size_t train_images = 0;
  /// Evaluate on the first this many test images; 0 = all 10,000.
  size_t test_images = 0;
  /// Retrain models that are there already.
  bool force = false;
  /// LibTorch threads while training; 0 = one per core.
  int threads = 0;
  /// Called during training.
  progress_callback on_progress;
  /// Called once per model: its name and "trained" or "reused".
  std::function<void(const repository_model&, bool trained)> on_model;
};

/// Makes sure that each requested zoo model is in the repository, training
/// those that are missing (or all, with force); returns them. Throws
/// input_error for bad data or configs, std::invalid_argument for an unknown
/// model name, std::runtime_error when a file cannot be written.
std::vector<repository_model> ensure_zoo(const zoo_options& options);

/// Model `file`'s outputs (probabilities and label) on every image of `data`,
/// run in batches of `batch_size` with `threads` LibTorch threads, through
/// the classifier a served replica uses.
std::vector<output> evaluate_model(const std::string& file,
                                   const image_set& data,
                                   uint32_t batch_size = 500, int threads = 1);

/// The fraction of `outputs` whose label matches `data`'s.
double accuracy(const std::vector<output>& outputs, const image_set& data);

} // namespace troupe
