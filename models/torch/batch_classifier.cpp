#include "models/torch/batch_classifier.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace troupe {

batch_classifier::batch_classifier(const std::vector<std::string>& model_files,
                                   std::vector<int64_t> input_shape,
                                   std::shared_ptr<const image_set> data,
                                   int threads, size_t classes)
  : input_shape_(std::move(input_shape)),
    data_(std::move(data)),
    threads_(threads),
    classes_(classes) {
  for (const auto& file : model_files)
    models_.push_back(script_model::load(file));
  for (auto d : input_shape_)
    input_size_ *= static_cast<size_t>(d);
}

score_matrix batch_classifier::forward(size_t m, const float* inputs,
                                       const std::vector<int64_t>& shape) const {
  auto scores = models_[m].forward(inputs, shape);
  if (classes_ > 0 && static_cast<size_t>(scores.columns) != classes_)
    throw std::runtime_error(fmt::format(
      "{}: forward returned {} class scores per input; its config.toml names "
      "{} labels",
      models_[m].file(), scores.columns, classes_));
  return scores;
}

std::string batch_classifier::gather(const payload& x,
                                     std::vector<float>& out) const {
  if (x.data) {
    const auto& t = *x.data;
    auto shape = t.shape;
    // One input, with or without its batch dimension of 1.
    if (shape.size() == input_shape_.size() + 1 && shape.front() == 1)
      shape.erase(shape.begin());
    if (shape != input_shape_)
      return fmt::format("tensor of shape [{}]; the model takes [{}]",
                         fmt::join(t.shape, ", "),
                         fmt::join(input_shape_, ", "));
    if (t.values.size() != input_size_)
      return fmt::format("tensor of {} values for shape [{}]", t.values.size(),
                         fmt::join(t.shape, ", "));
    for (size_t i = 0; i < t.values.size(); ++i)
      if (!std::isfinite(t.values[i]))
        return fmt::format("tensor value {} is not finite", i);
    out.insert(out.end(), t.values.begin(), t.values.end());
    return {};
  }
  if (x.sample < 0)
    return "no input: neither a data-set index nor a tensor";
  if (data_ == nullptr)
    return "a data-set index, but this stage has no data set";
  if (static_cast<uint64_t>(x.sample) >= data_->size())
    return fmt::format("data-set index {} beyond the {} images", x.sample,
                       data_->size());
  if (data_->image_bytes() != input_size_)
    return fmt::format("data-set images of {} values; the model takes {}",
                       data_->image_bytes(), input_size_);
  const auto* pixels = data_->pixels.data()
                       + static_cast<size_t>(x.sample) * input_size_;
  for (size_t i = 0; i < input_size_; ++i)
    out.push_back(float(pixels[i]) / 255.0f);
  return {};
}

void batch_classifier::configure_thread() const {
  // Once per thread (and when the count changes): a detached replica's
  // thread would otherwise run OpenMP with one thread per core.
  thread_local int configured = 0;
  if (configured != threads_) {
    set_torch_threads(threads_);
    configured = threads_;
  }
}

void batch_classifier::warm_up(uint32_t max_batch) const {
  configure_thread();
  // Every size, not only a few: the first forward of each new shape costs
  // about a millisecond more (measured on the zoo's CNNs), and a served
  // batch can have any size up to the stage's max_batch.
  std::vector<float> zeros(std::max(max_batch, 1u) * input_size_, 0.0f);
  for (uint32_t b = 1; b <= std::max(max_batch, 1u); ++b) {
    std::vector<int64_t> shape{static_cast<int64_t>(b)};
    shape.insert(shape.end(), input_shape_.begin(), input_shape_.end());
    for (size_t m = 0; m < models_.size(); ++m)
      forward(m, zeros.data(), shape);
  }
}

classified_batch
batch_classifier::classify(const std::vector<const payload*>& inputs,
                           size_t pad_to) const {
  classified_batch result;
  result.invalid.resize(inputs.size());
  result.outputs.assign(models_.size(), std::vector<output>(inputs.size()));
  std::vector<float> buffer;
  buffer.reserve(inputs.size() * input_size_);
  std::vector<size_t> valid;
  for (size_t i = 0; i < inputs.size(); ++i) {
    result.invalid[i] = gather(*inputs[i], buffer);
    if (result.invalid[i].empty())
      valid.push_back(i);
  }
  if (valid.empty())
    return result;
  configure_thread();
  result.rows = std::max(valid.size(), pad_to);
  buffer.resize(result.rows * input_size_, 0.0f);
  std::vector<int64_t> shape{static_cast<int64_t>(result.rows)};
  shape.insert(shape.end(), input_shape_.begin(), input_shape_.end());
  for (size_t m = 0; m < models_.size(); ++m) {
    auto outputs = class_outputs(forward(m, buffer.data(), shape));
    for (size_t k = 0; k < valid.size(); ++k)
      result.outputs[m][valid[k]] = std::move(outputs[k]);
  }
  return result;
}

} // namespace troupe
