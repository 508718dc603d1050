#include "runtime/ensemble_accuracy.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "policies/combining/combine.hpp"
#include "models/input_error.hpp"
#include "models/text_input.hpp"
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

std::vector<double> read_subset_accuracy(const std::string& path,
                                         const std::vector<std::string>& models) {
  auto in = open_or_throw(path, "ensemble accuracy file");
  // "a+b" (names sorted) -> mean accuracy.
  std::map<std::string, double> table;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto text = trim(line);
    if (line_no == 1 || text.empty())
      continue;
    std::vector<std::string> fields;
    std::stringstream cells{std::string{text}};
    for (std::string cell; std::getline(cells, cell, ',');)
      fields.push_back(cell);
    double accuracy = 0;
    if (fields.size() < 3 || !parse_double(fields[2], accuracy)
        || !(accuracy >= 0 && accuracy <= 1))
      throw input_error(path, line_no, "mean_accuracy",
                        "expected models,size,mean_accuracy,vote_accuracy "
                        "with an accuracy in [0, 1], got "
                          + quoted(text));
    table[fields[0]] = accuracy;
  }
  auto m = models.size();
  std::vector<double> result;
  for (uint32_t mask = 1; mask < (uint32_t{1} << m); ++mask) {
    std::vector<std::string> names;
    for (size_t i = 0; i < m; ++i)
      if ((mask >> (m - 1 - i)) & 1)
        names.push_back(models[i]);
    std::sort(names.begin(), names.end());
    std::string key;
    for (const auto& name : names)
      key += (key.empty() ? "" : "+") + name;
    auto found = table.find(key);
    if (found == table.end())
      throw input_error(path, 0, "models",
                        "no row for the ensemble " + quoted(key)
                          + " (troupe zoo accuracy writes every subset of "
                            "the repository's models)");
    result.push_back(found->second);
  }
  return result;
}

} // namespace troupe
