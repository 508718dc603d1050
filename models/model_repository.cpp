// Reads and writes model configs with toml++ (slow to compile: one of two
// translation units that include it, with runtime/scenario_loader.cpp).

#include "models/model_repository.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

#include <fmt/format.h>

#include "models/input_error.hpp"
#include "models/output_file.hpp"

namespace troupe {

namespace fs = std::filesystem;

int64_t model_config::input_size() const {
  int64_t result = 1;
  for (auto x : input_shape)
    result *= x;
  return result;
}

std::string repository_model::model_file() const {
  return (fs::path{folder} / "model.pt").string();
}

std::string repository_model::config_file() const {
  return (fs::path{folder} / "config.toml").string();
}

namespace {

class config_reader {
public:
  explicit config_reader(std::string file) : file_(std::move(file)) {
    // nop
  }

  model_config read() {
    toml::table root;
    try {
      root = toml::parse_file(file_);
    } catch (const toml::parse_error& err) {
      if (!fs::exists(file_))
        throw input_error(file_, 0, "", "cannot open the model config");
      throw input_error(file_, err.source().begin.line, "",
                        std::string{err.description()});
    }
    check_keys(root, {"description", "input_shape", "labels", "max_batch",
                      "training"},
               "");
    model_config x;
    if (auto n = root.get("description"))
      x.description = text(*n, "description");
    auto* shape = array(root, "input_shape");
    if (shape->size() != 3)
      fail(shape, "input_shape", "expected [channels, height, width]");
    for (size_t i = 0; i < shape->size(); ++i) {
      auto value = integer(*shape->get(i), "input_shape");
      if (value < 1 || value > 65536)
        fail(shape->get(i), "input_shape", "each size is 1 to 65536");
      x.input_shape.push_back(value);
    }
    auto* labels = array(root, "labels");
    if (labels->size() < 2)
      fail(labels, "labels", "a classifier has at least two classes");
    for (size_t i = 0; i < labels->size(); ++i)
      x.labels.push_back(text(*labels->get(i), "labels"));
    if (auto n = root.get("max_batch")) {
      auto value = integer(*n, "max_batch");
      if (value < 1 || value > 65536)
        fail(n, "max_batch", "must be 1 to 65536");
      x.max_batch = static_cast<uint32_t>(value);
    }
    if (auto n = root.get("training")) {
      auto* t = n->as_table();
      if (t == nullptr)
        fail(n, "training", "expected a table");
      check_keys(*t, {"architecture", "parameters", "test_accuracy",
                      "training_s", "epochs", "seed", "data"},
                 "training.");
      training_record r;
      auto get = [&](const char* key) { return t->get(key); };
      const std::string p = "training.";
      if (auto v = get("architecture"))
        r.architecture = text(*v, p + "architecture");
      if (auto v = get("parameters"))
        r.parameters = static_cast<uint64_t>(non_negative_integer(*v, p + "parameters"));
      if (auto v = get("test_accuracy"))
        r.test_accuracy = number(*v, p + "test_accuracy");
      if (auto v = get("training_s"))
        r.training_s = number(*v, p + "training_s");
      if (auto v = get("epochs"))
        r.epochs = static_cast<uint32_t>(non_negative_integer(*v, p + "epochs"));
      if (auto v = get("seed"))
        r.seed = static_cast<uint64_t>(non_negative_integer(*v, p + "seed"));
      if (auto v = get("data"))
        r.data = text(*v, p + "data");
      x.training = r;
    }
    return x;
  }

private:
  [[noreturn]] void fail(const toml::node* n, const std::string& key,
                         const std::string& what) const {
    throw input_error(file_, n ? n->source().begin.line : 0, key, what);
  }

  void check_keys(const toml::table& t, std::initializer_list<const char*> known,
                  const std::string& prefix) const {
    for (const auto& [key, value] : t) {
      auto name = std::string{key.str()};
      if (std::none_of(known.begin(), known.end(),
                       [&](const char* k) { return name == k; }))
        fail(&value, prefix + name, "unknown key");
    }
  }

  const toml::array* array(const toml::table& t, const char* key) const {
    auto* n = t.get(key);
    if (n == nullptr)
      throw input_error(file_, 0, key, "missing required key");
    auto* a = n->as_array();
    if (a == nullptr)
      fail(n, key, "expected an array");
    return a;
  }

  std::string text(const toml::node& n, const std::string& key) const {
    if (auto x = n.as_string())
      return x->get();
    fail(&n, key, "expected a string");
  }

  int64_t integer(const toml::node& n, const std::string& key) const {
    if (auto x = n.as_integer())
      return x->get();
    fail(&n, key, "expected an integer");
  }

  int64_t non_negative_integer(const toml::node& n,
                               const std::string& key) const {
    auto x = integer(n, key);
    if (x < 0)
      fail(&n, key, "must not be negative");
    return x;
  }

  double number(const toml::node& n, const std::string& key) const {
    double x = 0;
    if (auto i = n.as_integer())
      x = double(i->get());
    else if (auto f = n.as_floating_point())
      x = f->get();
    else
      fail(&n, key, "expected a number");
    if (!std::isfinite(x) || x < 0)
      fail(&n, key, "must be a finite number, not negative");
    return x;
  }

  std::string file_;
};

std::string quoted(const std::string& text) {
  toml::value<std::string> x{text};
  std::ostringstream out;
  out << x;
  return out.str();
}

} // namespace

model_config read_model_config(const std::string& file) {
  return config_reader{file}.read();
}

void write_model_config(const std::string& file, const model_config& x) {
  std::string out;
  if (!x.description.empty())
    out += "description = " + quoted(x.description) + "\n";
  out += fmt::format("input_shape = [{}]\n", fmt::join(x.input_shape, ", "));
  out += "labels = [";
  for (size_t i = 0; i < x.labels.size(); ++i)
    out += (i > 0 ? ", " : "") + quoted(x.labels[i]);
  out += "]\n";
  out += fmt::format("max_batch = {}\n", x.max_batch);
  if (x.training) {
    const auto& t = *x.training;
    out += "\n[training]\n";
    out += "architecture = " + quoted(t.architecture) + "\n";
    out += fmt::format("parameters = {}\n", t.parameters);
    out += fmt::format("test_accuracy = {:.4f}\n", t.test_accuracy);
    out += fmt::format("training_s = {:.1f}\n", t.training_s);
    out += fmt::format("epochs = {}\n", t.epochs);
    out += fmt::format("seed = {}\n", t.seed);
    out += "data = " + quoted(t.data) + "\n";
  }
  write_file_atomically(file, out);
}

std::vector<repository_model> list_models(const std::string& repository) {
  std::error_code err;
  if (!fs::is_directory(repository, err))
    throw input_error(repository, 0, "",
                      "no model repository here (train one with `troupe zoo "
                      "train --repo "
                        + repository + "`)");
  std::vector<repository_model> result;
  for (const auto& entry : fs::directory_iterator{repository}) {
    if (!entry.is_directory() || !fs::exists(entry.path() / "config.toml"))
      continue;
    repository_model m;
    m.name = entry.path().filename().string();
    m.folder = entry.path().string();
    m.config = read_model_config(m.config_file());
    result.push_back(std::move(m));
  }
  std::sort(result.begin(), result.end(),
            [](const auto& x, const auto& y) { return x.name < y.name; });
  return result;
}

repository_model find_model(const std::string& repository,
                            const std::string& name) {
  // One config to read; the whole listing only to say what there is.
  repository_model m;
  m.name = name;
  m.folder = (fs::path{repository} / name).string();
  // A name is one folder of the repository, nothing above or below it.
  bool plain = !name.empty() && name != "." && name != ".."
               && name.find('/') == std::string::npos;
  if (plain && fs::exists(m.config_file())) {
    m.config = read_model_config(m.config_file());
    return m;
  }
  std::string known;
  for (const auto& other : list_models(repository))
    known += (known.empty() ? "" : ", ") + other.name;
  throw input_error(repository, 0, "",
                    fmt::format("no model '{}' (the repository has: {})", name,
                                known.empty() ? "none" : known));
}

} // namespace troupe
