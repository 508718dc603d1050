// `troupe zoo train` and `troupe zoo accuracy`.

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "actors/core_pinning.hpp"
#include "apps/command_errors.hpp"
#include "apps/commands.hpp"
#include "models/input_error.hpp"
#include "models/output_file.hpp"
#include "runtime/ensemble_accuracy.hpp"
#include "runtime/zoo.hpp"

namespace troupe {

namespace {

std::string clock_text(double seconds) {
  auto s = static_cast<long>(seconds + 0.5);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

/// One line per update: redrawn in place on a terminal, every epoch's end
/// otherwise (logs stay short).
progress_callback progress_bar() {
  bool terminal = isatty(STDERR_FILENO) != 0;
  return [terminal](const training_progress& p) {
    bool epoch_done = p.seen == p.images;
    if (!terminal && !epoch_done)
      return;
    constexpr int width = 24;
    auto filled = static_cast<int>(double(width) * double(p.seen)
                                   / double(std::max<size_t>(1, p.images)));
    auto line = fmt::format(
      "  {:<10} epoch {}/{} [{}{}] {:3.0f}%  loss {:.3f}  accuracy {:5.1f}%  "
      "{} left",
      p.model, p.epoch, p.epochs, std::string(size_t(filled), '#'),
      std::string(size_t(width - filled), '.'),
      100.0 * double(p.seen) / double(std::max<size_t>(1, p.images)), p.loss,
      100.0 * p.accuracy, clock_text(p.remaining_s));
    if (terminal)
      std::cerr << "\r" << line << (epoch_done ? "\n" : "") << std::flush;
    else
      std::cerr << line << "\n";
  };
}

zoo_options options_for(const zoo_command_options& in) {
  zoo_options out;
  out.repository = in.repository;
  out.data_dir = in.data_dir;
  out.models = in.models;
  out.training.seed = in.seed;
  out.training.epochs = in.epochs;
  out.train_images = in.train_images;
  out.test_images = in.test_images;
  out.force = in.force;
  if (in.progress)
    out.on_progress = progress_bar();
  return out;
}

} // namespace

int zoo_train_command(const zoo_command_options& options) {
  return report_errors("troupe zoo train", [&] {
    auto zoo = options_for(options);
    zoo.on_model = [&](const repository_model& m, bool trained) {
      if (!trained && options.progress)
        std::cerr << fmt::format("  {:<10} reused ({})\n", m.name,
                                 m.model_file());
    };
    if (options.progress)
      std::cerr << fmt::format("model zoo in {} (Fashion-MNIST from {})\n",
                               options.repository, options.data_dir);
    auto models = ensure_zoo(zoo);
    std::cout << fmt::format("{:<10} {:>10} {:>7} {:>10} {:>14}\n", "model",
                             "parameters", "epochs", "training", "test accuracy");
    for (const auto& m : models) {
      // A model put in the repository by hand may have no [training] table.
      if (!m.config.training) {
        std::cout << fmt::format("{:<10} (no [training] record in {})\n",
                                 m.name, m.config_file());
        continue;
      }
      const auto& t = *m.config.training;
      std::cout << fmt::format("{:<10} {:>10} {:>7} {:>9.1f}s {:>13.2f}%\n",
                               m.name, t.parameters, t.epochs, t.training_s,
                               100.0 * t.test_accuracy);
    }
    return 0;
  });
}

int zoo_accuracy_command(const zoo_command_options& options) {
  return report_errors("troupe zoo accuracy", [&] {
    auto models = list_models(options.repository);
    if (models.empty())
      throw input_error(options.repository, 0, "",
                        "the repository has no models");
    auto test = load_fashion_mnist(options.data_dir, data_split::test);
    if (options.test_images > 0)
      test = test.first(options.test_images);
    auto threads = int(usable_cores());
    std::vector<std::string> names;
    std::vector<std::vector<output>> outputs;
    for (const auto& m : models) {
      if (options.progress)
        std::cerr << fmt::format("  evaluating {} on {} test images\n", m.name,
                                 test.size());
      names.push_back(m.name);
      outputs.push_back(evaluate_model(m.model_file(), test, 500, threads));
    }
    std::vector<int32_t> labels(test.labels.begin(), test.labels.end());
    auto rows = ensemble_accuracy(outputs, labels);
    std::cout << fmt::format("{:<40} {:>6} {:>8}\n", "models", "mean", "vote");
    for (const auto& row : rows) {
      std::string members;
      for (auto m : row.members)
        members += (members.empty() ? "" : "+") + names[m];
      std::cout << fmt::format("{:<40} {:>5.2f}% {:>7.2f}%\n", members,
                               100.0 * row.mean_accuracy,
                               100.0 * row.vote_accuracy);
    }
    auto out = options.out_file.empty()
                 ? (std::filesystem::path{options.repository} / "accuracy.csv")
                     .string()
                 : options.out_file;
    write_file_atomically(out, ensemble_csv(names, rows));
    std::cout << "wrote " << out << "\n";
    return 0;
  });
}

} // namespace troupe
