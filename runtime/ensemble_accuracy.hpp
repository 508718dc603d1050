#pragma once

// The accuracy of every non-empty subset of models, combined by mean of
// probabilities and by majority vote (policies/combining): measured numbers
// in place of the table Rafiki hard-codes.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/request.hpp"

namespace troupe {

struct ensemble_row {
  /// Indexes into the model list, ascending.
  std::vector<size_t> members;
  double mean_accuracy = 0;
  double vote_accuracy = 0;
};

/// `outputs[m][i]` is model m's output on sample i, `labels[i]` the truth.
/// Rows come in order of subset size, then lexicographically. At most 16
/// models (65,535 subsets); throws std::invalid_argument beyond, or when the
/// outputs and labels differ in length.
std::vector<ensemble_row>
ensemble_accuracy(const std::vector<std::vector<output>>& outputs,
                  const std::vector<int32_t>& labels);

/// The table as CSV: models,size,mean_accuracy,vote_accuracy (models joined
/// by '+').
std::string ensemble_csv(const std::vector<std::string>& names,
                         const std::vector<ensemble_row>& rows);

/// Reads the mean-of-probabilities accuracy of every non-empty subset of
/// `models` from a CSV that ensemble_csv wrote (`troupe zoo accuracy`), in
/// Rafiki's order: entry mask - 1, model 0 the most significant bit of the
/// mask. Throws input_error naming the file (and the line of a bad row, or
/// the subset that is missing).
std::vector<double> read_subset_accuracy(const std::string& path,
                                         const std::vector<std::string>& models);

} // namespace troupe
