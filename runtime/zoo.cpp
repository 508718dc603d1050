#include "runtime/zoo.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "actors/core_pinning.hpp"
#include "models/torch/batch_classifier.hpp"
#include "models/torch/script_model.hpp"
#include "models/zoo/architecture.hpp"

namespace troupe {

namespace fs = std::filesystem;

namespace {

std::vector<architecture> requested(const std::vector<std::string>& names) {
  auto zoo = default_zoo();
  if (names.empty())
    return zoo;
  std::vector<architecture> result;
  for (const auto& name : names) {
    auto match = std::find_if(zoo.begin(), zoo.end(),
                              [&](const auto& a) { return a.name == name; });
    if (match == zoo.end()) {
      std::string known;
      for (const auto& a : zoo)
        known += (known.empty() ? "" : ", ") + a.name;
      throw std::invalid_argument(
        fmt::format("no zoo model '{}' (known: {})", name, known));
    }
    result.push_back(*match);
  }
  return result;
}

} // namespace

std::vector<output> evaluate_model(const std::string& file,
                                   const image_set& data, uint32_t batch_size,
                                   int threads) {
  // The path a served replica takes: indexes into the data set, gathered
  // and scaled by the classifier. It borrows `data` for this call (an
  // aliasing pointer that owns nothing).
  std::shared_ptr<const image_set> borrowed{
    std::shared_ptr<const image_set>{}, &data};
  batch_classifier classifier{{file},
                              {1, int64_t(data.rows), int64_t(data.cols)},
                              borrowed, threads};
  std::vector<output> result;
  result.reserve(data.size());
  std::vector<payload> payloads(batch_size);
  std::vector<const payload*> inputs;
  for (size_t first = 0; first < data.size(); first += batch_size) {
    auto n = std::min<size_t>(batch_size, data.size() - first);
    inputs.clear();
    for (size_t i = 0; i < n; ++i) {
      payloads[i].sample = int64_t(first + i);
      inputs.push_back(&payloads[i]);
    }
    auto classified = classifier.classify(inputs);
    for (auto& x : classified.outputs.front())
      result.push_back(std::move(x));
  }
  return result;
}

double accuracy(const std::vector<output>& outputs, const image_set& data) {
  size_t right = 0;
  for (size_t i = 0; i < outputs.size() && i < data.size(); ++i)
    right += outputs[i].label == data.labels[i];
  return outputs.empty() ? 0.0 : double(right) / double(outputs.size());
}

std::vector<repository_model> ensure_zoo(const zoo_options& options) {
  auto wanted = requested(options.models);
  auto threads = options.threads > 0
                   ? options.threads
                   : int(usable_cores());
  std::optional<image_set> train;
  std::optional<image_set> test;
  std::vector<repository_model> result;
  for (const auto& arch : wanted) {
    repository_model m;
    m.name = arch.name;
    m.folder = (fs::path{options.repository} / arch.name).string();
    if (!options.force && fs::exists(m.model_file())
        && fs::exists(m.config_file())) {
      m.config = read_model_config(m.config_file());
      if (options.on_model)
        options.on_model(m, false);
      result.push_back(std::move(m));
      continue;
    }
    if (!train) {
      train = load_fashion_mnist(options.data_dir, data_split::train);
      test = load_fashion_mnist(options.data_dir, data_split::test);
      if (options.train_images > 0)
        train = train->first(options.train_images);
      if (options.test_images > 0)
        test = test->first(options.test_images);
      set_torch_threads(threads);
    }
    // A model counts as trained once its config.toml is there (written
    // last, whole): a retrain cut off half way leaves none, so the next run
    // trains again, and the module is renamed into place only once saved.
    fs::create_directories(m.folder);
    fs::remove(m.config_file());
    auto partial = m.model_file() + ".partial";
    auto trained = train_and_save(arch, *train, options.training, partial,
                                  options.on_progress);
    fs::rename(partial, m.model_file());
    training_record record;
    record.architecture = arch.summary();
    record.parameters = trained.parameters;
    record.test_accuracy = accuracy(
      evaluate_model(m.model_file(), *test, 500, threads), *test);
    record.training_s = trained.training_s;
    record.epochs = trained.epochs;
    record.seed = options.training.seed;
    record.data = fmt::format("fashion-mnist: {} training, {} test images",
                              train->size(), test->size());
    m.config.description = arch.description;
    m.config.input_shape = {1, int64_t(train->rows), int64_t(train->cols)};
    for (const auto* name : fashion_mnist_classes())
      m.config.labels.push_back(name);
    m.config.training = record;
    write_model_config(m.config_file(), m.config);
    if (options.on_model)
      options.on_model(m, true);
    result.push_back(std::move(m));
  }
  return result;
}

} // namespace troupe
