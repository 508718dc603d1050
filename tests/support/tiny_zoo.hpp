#pragma once

// A model repository for tests: logreg and mlp trained for one epoch on 300
// Fashion-MNIST training images (about a second), once per test process,
// in a temporary folder.

#include <memory>
#include <string>

#include "models/torch/script_model.hpp"
#include "runtime/zoo.hpp"
#include "tests/support/temp_dir.hpp"

namespace troupe::test {

class tiny_zoo {
public:
  /// The repository's folder.
  static const std::string& repository() {
    static tiny_zoo zoo;
    return zoo.repository_;
  }

  static std::string model_file(const std::string& name) {
    return repository() + "/" + name + "/model.pt";
  }

  /// How the tiny zoo is trained, into `repository`.
  static zoo_options options(const std::string& repository) {
    zoo_options options;
    options.repository = repository;
    options.models = {"logreg", "mlp"};
    options.training.epochs = 1;
    options.train_images = 300;
    options.test_images = 100;
    return options;
  }

private:
  tiny_zoo() {
    set_torch_threads(1);
    repository_ = dir_.path("zoo");
    ensure_zoo(options(repository_));
  }

  temp_dir dir_;
  std::string repository_;
};

} // namespace troupe::test
