#include "policies/combining/combine.hpp"

#include <algorithm>
#include <map>

namespace troupe {

std::optional<combine_kind> parse_combine_kind(const std::string& text) {
  if (text == "mean")
    return combine_kind::mean;
  if (text == "vote")
    return combine_kind::vote;
  return std::nullopt;
}

const char* to_string(combine_kind x) {
  return x == combine_kind::vote ? "vote" : "mean";
}

namespace {

/// The index of the largest value (the first one on ties).
int32_t arg_max(const std::vector<float>& values) {
  return static_cast<int32_t>(
    std::max_element(values.begin(), values.end()) - values.begin());
}

/// The mean of the values of every output shaped like the first one.
output mean_of(const std::vector<const output*>& present) {
  output result;
  size_t counted = 0;
  for (const auto* x : present) {
    if (x->values.empty())
      continue;
    if (counted == 0) {
      result.shape = x->shape;
      result.values.assign(x->values.size(), 0.0f);
    } else if (x->shape != result.shape
               || x->values.size() != result.values.size()) {
      continue;
    }
    for (size_t i = 0; i < x->values.size(); ++i)
      result.values[i] += x->values[i];
    ++counted;
  }
  for (auto& v : result.values)
    v /= static_cast<float>(counted);
  return result;
}

} // namespace

output combine(const std::vector<output>& outputs, combine_kind how) {
  std::vector<const output*> present;
  for (const auto& x : outputs)
    if (!x.empty())
      present.push_back(&x);
  if (present.empty())
    return {};
  if (present.size() == 1)
    return *present.front();
  auto result = mean_of(present);
  if (how == combine_kind::mean) {
    if (!result.values.empty())
      result.label = arg_max(result.values);
    else
      how = combine_kind::vote; // labels only: nothing to average
  }
  if (how == combine_kind::vote) {
    std::map<int32_t, size_t> votes;
    for (const auto* x : present)
      if (x->label >= 0)
        ++votes[x->label];
    size_t most = 0;
    for (const auto& [label, count] : votes)
      if (count > most) { // map order: the smaller label wins a tie
        most = count;
        result.label = label;
      }
  }
  return result;
}

} // namespace troupe
