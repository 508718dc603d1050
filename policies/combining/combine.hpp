#pragma once

// How a join (or the sink, over several leaf stages) combines the outputs
// of the branches a request went through: Rafiki's and Armol's ensembles.
//  - mean: the element-wise mean of the branches' values (class
//    probabilities); the label is the mean's largest class.
//  - vote: each branch's label is a vote; the most votes win, a tie goes to
//    the smaller label. Values: the mean, as with `mean`.
// Branches without an output (stages that model only time) do not count.

#include <optional>
#include <string>
#include <vector>

#include "messages/request.hpp"

namespace troupe {

enum class combine_kind { mean, vote };

/// Parses "mean" or "vote".
std::optional<combine_kind> parse_combine_kind(const std::string& text);

const char* to_string(combine_kind x);

/// The combined output; empty when no branch produced one. Branches whose
/// values have another shape than the first are left out of the mean.
output combine(const std::vector<output>& outputs, combine_kind how);

} // namespace troupe
