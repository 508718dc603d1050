#pragma once

// A model repository, in the spirit of Triton's: a folder with one subfolder
// per model, holding
//   model.pt     a TorchScript module: [N, C, H, W] floats in [0, 1] in,
//                [N, classes] scores out (normalisation inside the module);
//   config.toml  what serving needs to know about it:
//
//     description = "two 5x5 convolutions ..."   # optional
//     input_shape = [1, 28, 28]                 # C, H, W
//     labels = ["T-shirt/top", ...]             # one per class
//     max_batch = 256                           # largest batch to run
//     [training]                                # optional: how it was made
//     architecture = "normalize(...) conv(...) ..."
//     parameters = 52138
//     test_accuracy = 0.9012
//     training_s = 41.5
//     epochs = 3
//     seed = 1
//     data = "fashion-mnist"
//
// A model's name is its folder's name.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace troupe {

struct training_record {
  std::string architecture;
  uint64_t parameters = 0;
  double test_accuracy = 0;
  double training_s = 0;
  uint32_t epochs = 0;
  uint64_t seed = 0;
  std::string data;
};

struct model_config {
  std::string description;
  /// C, H, W of one input.
  std::vector<int64_t> input_shape;
  std::vector<std::string> labels;
  uint32_t max_batch = 256;
  std::optional<training_record> training;

  /// Floats in one input.
  int64_t input_size() const;
};

struct repository_model {
  std::string name;
  /// The model's folder.
  std::string folder;
  model_config config;

  std::string model_file() const;
  std::string config_file() const;
};

/// Where `troupe zoo train` puts the zoo unless told otherwise (relative to
/// the working directory).
constexpr const char* default_repository = "zoo";

/// Reads a model's config.toml; throws input_error naming the file, line and
/// key.
model_config read_model_config(const std::string& file);

/// Writes `config` as `file` (atomically; throws std::runtime_error).
void write_model_config(const std::string& file, const model_config& config);

/// Every model of the repository (subfolders with a config.toml), by name.
/// Throws input_error when the folder does not exist or a config is bad.
std::vector<repository_model> list_models(const std::string& repository);

/// The model called `name`; throws input_error naming the repository and the
/// models it has when there is none.
repository_model find_model(const std::string& repository,
                            const std::string& name);

} // namespace troupe
