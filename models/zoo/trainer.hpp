#pragma once

// Trains a zoo architecture on an image set with LibTorch and writes it as a
// TorchScript module (model.pt) that takes [N, C, H, W] floats in [0, 1] and
// returns [N, classes] scores. The only LibTorch in this header's users is
// behind it (trainer.cpp).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/data/fashion_mnist.hpp"
#include "models/zoo/architecture.hpp"

namespace troupe {

struct training_options {
  /// Seeds the initial weights and the shuffling: the same seed, data and
  /// thread count give the same model.
  uint64_t seed = 1;
  /// Images per gradient step.
  uint32_t batch_size = 64;
  /// Passes over the data; 0 = the architecture's own.
  uint32_t epochs = 0;
};

/// Where training stands, after a step.
struct training_progress {
  std::string model;
  uint32_t epoch = 0;
  uint32_t epochs = 0;
  /// Images seen in this epoch, of `images`.
  size_t seen = 0;
  size_t images = 0;
  /// Running means over this epoch.
  double loss = 0;
  double accuracy = 0;
  double elapsed_s = 0;
  /// Estimated from the speed so far.
  double remaining_s = 0;
};

struct training_result {
  uint64_t parameters = 0;
  uint32_t epochs = 0;
  double training_s = 0;
  /// Mean loss over the first and over the last epoch.
  double first_epoch_loss = 0;
  double last_epoch_loss = 0;
  /// Training accuracy over the last epoch.
  double train_accuracy = 0;
  /// The trained layers' class probabilities (softmax) for the first (up
  /// to) 8 images of the data: what the saved module must reproduce.
  std::vector<std::vector<float>> first_probabilities;
};

using progress_callback = std::function<void(const training_progress&)>;

/// Trains `arch` on `data` (cross-entropy, Adam) and saves the TorchScript
/// module to `model_file`. Calls `progress` every few steps and at the end
/// of every epoch. Throws std::runtime_error if the file cannot be written.
training_result train_and_save(const architecture& arch, const image_set& data,
                               const training_options& options,
                               const std::string& model_file,
                               const progress_callback& progress = {});

} // namespace troupe
