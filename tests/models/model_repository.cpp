#include <boost/test/unit_test.hpp>

#include "models/input_error.hpp"
#include "models/model_repository.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

const std::string good = R"(description = "a test model"
input_shape = [1, 28, 28]
labels = ["a", "b", "c"]
max_batch = 64
)";

void expect_error(const test::temp_dir& dir, const std::string& content,
                  size_t line, const std::string& key,
                  const std::string& text) {
  auto file = dir.write("m/config.toml", content);
  try {
    read_model_config(file);
    BOOST_FAIL("expected an error for " << content);
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.file(), file);
    BOOST_CHECK_EQUAL(err.line(), line);
    BOOST_CHECK_EQUAL(err.field(), key);
    BOOST_CHECK_MESSAGE(std::string{err.what()}.find(text) != std::string::npos,
                        err.what());
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_repositories)

BOOST_AUTO_TEST_CASE(configs_round_trip) {
  test::temp_dir dir;
  model_config x;
  x.description = "quotes \" and\nnewlines";
  x.input_shape = {1, 28, 28};
  x.labels = {"T-shirt/top", "Trouser"};
  x.max_batch = 32;
  training_record t;
  t.architecture = "flatten linear(10)";
  t.parameters = 7850;
  t.test_accuracy = 0.8336;
  t.training_s = 1.5;
  t.epochs = 2;
  t.seed = 7;
  t.data = "fashion-mnist";
  x.training = t;
  auto file = dir.path("config.toml");
  write_model_config(file, x);
  auto y = read_model_config(file);
  BOOST_CHECK_EQUAL(y.description, x.description);
  BOOST_CHECK(y.input_shape == x.input_shape);
  BOOST_CHECK(y.labels == x.labels);
  BOOST_CHECK_EQUAL(y.max_batch, 32u);
  BOOST_REQUIRE(y.training);
  BOOST_CHECK_EQUAL(y.training->parameters, 7850u);
  BOOST_CHECK_EQUAL(y.training->test_accuracy, 0.8336);
  BOOST_CHECK_EQUAL(y.training->seed, 7u);
  BOOST_CHECK_EQUAL(y.input_size(), 784);
}

BOOST_AUTO_TEST_CASE(bad_configs_name_line_and_key) {
  test::temp_dir dir;
  expect_error(dir, "labels = [\"a\", \"b\"]\n", 0, "input_shape",
               "missing required key");
  expect_error(dir, good + "colour = 1\n", 5, "colour", "unknown key");
  expect_error(dir, "input_shape = [1, 28]\nlabels = [\"a\", \"b\"]\n", 1,
               "input_shape", "expected [channels, height, width]");
  expect_error(dir, "input_shape = [1, 28, 28]\nlabels = [\"a\", 2]\n", 2,
               "labels", "expected a string");
  expect_error(dir, "input_shape = [1, 28, 28]\nlabels = [\"a\", \"b\"]\n"
                    "max_batch = 0\n",
               3, "max_batch", "must be 1 to 65536");
  expect_error(dir, good + "[training]\ntest_accuracy = -1\n", 6,
               "training.test_accuracy", "not negative");
  expect_error(dir, "input_shape = [1, 28, 28\n", 1, "", "");
}

BOOST_AUTO_TEST_CASE(a_repository_lists_its_models_by_name) {
  test::temp_dir dir;
  dir.write("repo/zeta/config.toml", good);
  dir.write("repo/alpha/config.toml", good);
  dir.write("repo/notes/readme.txt", "not a model");
  auto models = list_models(dir.path("repo"));
  BOOST_REQUIRE_EQUAL(models.size(), 2u);
  BOOST_CHECK_EQUAL(models[0].name, "alpha");
  BOOST_CHECK_EQUAL(models[1].name, "zeta");
  BOOST_CHECK_EQUAL(models[1].model_file(), dir.path("repo/zeta/model.pt"));
  BOOST_CHECK_EQUAL(find_model(dir.path("repo"), "zeta").config.max_batch,
                    64u);
  try {
    find_model(dir.path("repo"), "beta");
    BOOST_FAIL("found a model that is not there");
  } catch (const input_error& err) {
    BOOST_CHECK_MESSAGE(std::string{err.what()}.find("no model 'beta' (the "
                                                     "repository has: alpha, "
                                                     "zeta)")
                          != std::string::npos,
                        err.what());
  }
  BOOST_CHECK_THROW(list_models(dir.path("nowhere")), input_error);
}

BOOST_AUTO_TEST_SUITE_END()
