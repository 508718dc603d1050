#include "runtime/model_profiler.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "models/data/data_set_cache.hpp"
#include "models/torch/batch_classifier.hpp"
#include "runtime/stage_kind.hpp"
#include "runtime/statistics.hpp"

namespace troupe {

profile measure_profile(const repository_model& model,
                        const profiler_options& options,
                        const std::function<void(const profiled_size&)>&
                          on_size) {
  auto sizes = options.batch_sizes;
  if (sizes.empty())
    for (uint32_t b = 1; b <= model.config.max_batch; b *= 2)
      sizes.push_back(b);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  if (sizes.empty() || sizes.front() != 1)
    throw std::invalid_argument("batch sizes start at 1 (as a profile does)");
  if (sizes.back() > model.config.max_batch)
    throw std::invalid_argument(
      fmt::format("batch size {} is beyond model '{}''s max_batch {}",
                  sizes.back(), model.name, model.config.max_batch));
  auto data = shared_fashion_mnist(options.data_dir, data_split::test);
  batch_classifier classifier{{model.model_file()}, model.config.input_shape,
                              data, options.threads};
  profile result;
  result.hardware = options.hardware;
  result.cost = options.cost;
  using clock = std::chrono::steady_clock;
  size_t next_image = 0;
  for (auto b : sizes) {
    // Real images, a different batch each run.
    std::vector<payload> payloads(b);
    std::vector<const payload*> batch(b);
    auto run_once = [&] {
      for (uint32_t i = 0; i < b; ++i) {
        payloads[i].sample = int64_t(next_image++ % data->size());
        batch[i] = &payloads[i];
      }
      auto start = clock::now();
      classifier.classify(batch);
      return std::chrono::duration<double, std::milli>(clock::now() - start)
        .count();
    };
    for (int warm_up = 0; warm_up < 5; ++warm_up)
      run_once();
    std::vector<double> latencies;
    double total_ms = 0;
    while (latencies.size() < options.max_runs
           && total_ms < options.max_seconds * 1000
           && (latencies.size() < options.min_runs
               || total_ms < options.min_seconds * 1000)) {
      latencies.push_back(run_once());
      total_ms += latencies.back();
    }
    profiled_size measured;
    measured.runs = uint32_t(latencies.size());
    auto mean_ms = total_ms / double(latencies.size());
    auto summary = summarize_latencies(latencies);
    measured.median_ms = summary.p50;
    measured.row = {b, summary.p99, 1000.0 * double(b) / mean_ms};
    result.rows.push_back(measured.row);
    if (on_size)
      on_size(measured);
  }
  return result;
}

std::string model_file_toml(const std::string& name, const profile& p,
                            const std::string& comment) {
  std::string out;
  for (size_t start = 0; start < comment.size();) {
    auto end = comment.find('\n', start);
    if (end == std::string::npos)
      end = comment.size();
    out += "# " + comment.substr(start, end - start) + "\n";
    start = end + 1;
  }
  out += fmt::format("[[models]]\nname = {}\n  [[models.profiles]]\n"
                     "  hardware = {}\n  cost = {}\n  rows = [",
                     toml_quoted(name), toml_quoted(p.hardware), p.cost);
  for (size_t i = 0; i < p.rows.size(); ++i) {
    const auto& r = p.rows[i];
    out += fmt::format("{}[{}, {:.4f}, {:.1f}]", i == 0 ? "" : ",\n          ",
                       r.batch_size, r.p99_ms, r.throughput_qps);
  }
  return out + "]\n";
}

} // namespace troupe
