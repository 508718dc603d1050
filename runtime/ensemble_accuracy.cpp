#include "runtime/ensemble_accuracy.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "policies/combining/combine.hpp"
#include "runtime/csv_field.hpp"

namespace troupe {

std::vector<ensemble_row>
ensemble_accuracy(const std::vector<std::vector<output>>& outputs,
                  const std::vector<int32_t>& labels) {
  auto models = outputs.size();
  if (models > 16)
    throw std::invalid_argument(
      fmt::format("{} models: subsets of at most 16 are measured", models));
  for (const auto& per_model : outputs)
    if (per_model.size() != labels.size())
      throw std::invalid_argument(
        fmt::format("{} outputs for {} labels", per_model.size(),
                    labels.size()));
  std::vector<ensemble_row> rows;
  for (uint32_t mask = 1; mask < (uint32_t{1} << models); ++mask) {
    ensemble_row row;
    for (size_t m = 0; m < models; ++m)
      if (mask & (uint32_t{1} << m))
        row.members.push_back(m);
    size_t mean_right = 0;
    size_t vote_right = 0;
    std::vector<output> branch(row.members.size());
    for (size_t i = 0; i < labels.size(); ++i) {
      for (size_t k = 0; k < row.members.size(); ++k)
        branch[k] = outputs[row.members[k]][i];
      mean_right += combine(branch, combine_kind::mean).label == labels[i];
      vote_right += combine(branch, combine_kind::vote).label == labels[i];
    }
    if (!labels.empty()) {
      row.mean_accuracy = double(mean_right) / double(labels.size());
      row.vote_accuracy = double(vote_right) / double(labels.size());
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    if (x.members.size() != y.members.size())
      return x.members.size() < y.members.size();
    return x.members < y.members;
  });
  return rows;
}

std::string ensemble_csv(const std::vector<std::string>& names,
                         const std::vector<ensemble_row>& rows) {
  std::string out = "models,size,mean_accuracy,vote_accuracy\n";
  for (const auto& row : rows) {
    std::string members;
    for (auto m : row.members)
      members += (members.empty() ? "" : "+") + names.at(m);
    out += fmt::format("{},{},{:.4f},{:.4f}\n", csv_field(members), row.members.size(),
                       row.mean_accuracy, row.vote_accuracy);
  }
  return out;
}

} // namespace troupe
