#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>

#include "models/data/fashion_mnist.hpp"
#include "models/input_error.hpp"
#include "models/torch/script_model.hpp"
#include "models/zoo/architecture.hpp"
#include "models/zoo/trainer.hpp"
#include "runtime/zoo.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tiny_zoo.hpp"

using namespace troupe;

namespace {

architecture zoo_model(const std::string& name) {
  for (auto& a : default_zoo())
    if (a.name == name)
      return a;
  throw std::logic_error("no zoo model " + name);
}

/// The first 600 training images: enough for a small model to learn.
const image_set& small_training_set() {
  static const image_set set
    = load_fashion_mnist(default_fashion_mnist_dir, data_split::train)
        .first(600);
  return set;
}

} // namespace

BOOST_AUTO_TEST_SUITE(zoo_training)

BOOST_AUTO_TEST_CASE(architectures_know_their_parameters) {
  auto cnn = zoo_model("cnn-small");
  auto params = cnn.parameters(1, 28, 28);
  BOOST_REQUIRE_EQUAL(params.size(), 6u);
  BOOST_CHECK(params[0].shape == (std::vector<int64_t>{8, 1, 5, 5}));
  BOOST_CHECK(params[2].shape == (std::vector<int64_t>{16, 8, 5, 5}));
  // 16 channels of 7x7 after two poolings.
  BOOST_CHECK(params[4].shape == (std::vector<int64_t>{10, 16 * 7 * 7}));
  BOOST_CHECK_EQUAL(params[4].fan_in, 784);
  auto source = cnn.script_source();
  BOOST_CHECK(source.find("torch.conv2d(x, self.w1, self.b1, [1, 1], [2, 2])")
              != std::string::npos);
  // A 5x5 kernel does not fit a 3x3 image without padding.
  auto bad = cnn;
  bad.layers[1].padding = 0;
  BOOST_CHECK_THROW(bad.parameters(1, 3, 3), std::invalid_argument);
  // Every zoo model fits Fashion-MNIST, and they differ in size.
  uint64_t previous = 0;
  for (const auto& a : default_zoo()) {
    uint64_t count = 0;
    for (const auto& p : a.parameters(1, 28, 28)) {
      int64_t n = 1;
      for (auto d : p.shape)
        n *= d;
      count += uint64_t(n);
    }
    BOOST_CHECK_NE(count, previous);
    previous = count;
  }
}

BOOST_AUTO_TEST_CASE(training_lowers_the_loss_and_the_saved_module_predicts) {
  set_torch_threads(1);
  test::temp_dir dir;
  const auto& data = small_training_set();
  training_options options;
  options.seed = 3;
  options.epochs = 3;
  auto arch = zoo_model("cnn-small");
  auto file = dir.path("cnn.pt");
  auto result = train_and_save(arch, data, options, file);
  BOOST_CHECK_LT(result.last_epoch_loss, 0.8 * result.first_epoch_loss);
  BOOST_CHECK_EQUAL(result.parameters, 11274u);
  BOOST_CHECK_EQUAL(result.epochs, 3u);
  // The TorchScript module is the trained model: loaded back, it gives the
  // trained layers' probabilities, and fits its training data far above
  // chance (10%).
  auto outputs = evaluate_model(file, data, 128);
  BOOST_REQUIRE_EQUAL(outputs.size(), data.size());
  BOOST_REQUIRE_EQUAL(result.first_probabilities.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    BOOST_REQUIRE_EQUAL(outputs[i].values.size(), 10u);
    BOOST_REQUIRE_EQUAL(result.first_probabilities[i].size(), 10u);
    for (size_t c = 0; c < 10; ++c)
      BOOST_CHECK_SMALL(outputs[i].values[c]
                          - result.first_probabilities[i][c],
                        1e-5f);
  }
  BOOST_CHECK_GT(accuracy(outputs, data), 0.6);
  // The same seed gives the same model.
  auto again = dir.path("again.pt");
  train_and_save(arch, data, options, again);
  auto repeated = evaluate_model(again, data, 128);
  BOOST_CHECK(repeated[0].values == outputs[0].values);
  BOOST_CHECK(repeated[599].values == outputs[599].values);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_no_module_is_refused) {
  test::temp_dir dir;
  auto file = dir.write("model.pt", "not a zip archive");
  try {
    script_model::load(file);
    BOOST_FAIL("loaded a text file");
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.file(), file);
    BOOST_CHECK(std::string{err.what()}.find("cannot load a TorchScript module")
                != std::string::npos);
  }
  BOOST_CHECK_THROW(script_model::load(dir.path("missing.pt")), input_error);
}

BOOST_AUTO_TEST_CASE(a_module_refuses_inputs_of_the_wrong_shape) {
  set_torch_threads(1);
  test::temp_dir dir;
  training_options options;
  options.epochs = 1;
  auto file = dir.path("logreg.pt");
  train_and_save(zoo_model("logreg"), small_training_set().first(64), options,
                 file);
  auto model = script_model::load(file);
  std::vector<float> inputs(2 * 28 * 28, 0.5f);
  BOOST_CHECK_EQUAL(model.forward(inputs.data(), {2, 1, 28, 28}).rows, 2);
  // 784 floats as two 14x28 images: the linear layer's shapes do not match.
  BOOST_CHECK_THROW(model.forward(inputs.data(), {2, 1, 14, 28}),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(scores_become_probabilities_and_a_label) {
  score_matrix scores;
  scores.rows = 2;
  scores.columns = 3;
  // Large scores must not overflow exp.
  scores.values = {1.0f, 3.0f, 2.0f, 1000.0f, 999.0f, -5.0f};
  auto out = class_outputs(scores);
  BOOST_REQUIRE_EQUAL(out.size(), 2u);
  BOOST_CHECK_EQUAL(out[0].label, 1);
  BOOST_CHECK_EQUAL(out[1].label, 0);
  for (const auto& o : out) {
    BOOST_CHECK(o.shape == (std::vector<int64_t>{3}));
    double sum = 0;
    for (auto v : o.values) {
      BOOST_CHECK(std::isfinite(v));
      sum += v;
    }
    BOOST_CHECK_CLOSE(sum, 1.0, 1e-4);
  }
  BOOST_CHECK_CLOSE(out[1].values[0] / out[1].values[1], std::exp(1.0), 1e-3);
}

// The second call finds the models trained, with their records; a model
// without its config.toml (a retrain cut off) is trained again.
BOOST_AUTO_TEST_CASE(a_trained_zoo_is_reused_and_an_unfinished_model_retrained) {
  test::temp_dir dir;
  auto from = test::tiny_zoo::repository();
  std::filesystem::copy(from, dir.path("zoo"),
                        std::filesystem::copy_options::recursive);
  auto options = test::tiny_zoo::options(dir.path("zoo"));
  std::vector<std::pair<std::string, bool>> seen;
  options.on_model = [&](const repository_model& m, bool trained) {
    seen.emplace_back(m.name, trained);
  };
  auto models = ensure_zoo(options);
  BOOST_CHECK((seen == std::vector<std::pair<std::string, bool>>{
                         {"logreg", false}, {"mlp", false}}));
  BOOST_REQUIRE_EQUAL(models.size(), 2u);
  for (const auto& m : models) {
    BOOST_REQUIRE(m.config.training);
    const auto& t = *m.config.training;
    BOOST_CHECK(!t.architecture.empty());
    BOOST_CHECK_GT(t.parameters, 0u);
    BOOST_CHECK_EQUAL(t.epochs, 1u);
    BOOST_CHECK_GE(t.training_s, 0.0); // written to 0.1 s: a tiny model's is 0
    BOOST_CHECK(t.test_accuracy > 0.1 && t.test_accuracy <= 1.0);
    BOOST_CHECK_EQUAL(t.data, "fashion-mnist: 300 training, 100 test images");
  }
  std::filesystem::remove(dir.path("zoo/mlp/config.toml"));
  seen.clear();
  ensure_zoo(options);
  BOOST_CHECK((seen == std::vector<std::pair<std::string, bool>>{
                         {"logreg", false}, {"mlp", true}}));
  BOOST_CHECK(std::filesystem::exists(dir.path("zoo/mlp/config.toml")));
  BOOST_CHECK(!std::filesystem::exists(dir.path("zoo/mlp/model.pt.partial")));
}

BOOST_AUTO_TEST_SUITE_END()
