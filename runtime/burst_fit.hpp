#pragma once

// Whether a core's stalls come in bursts (models/machine_stalls.hpp:
// stall_bursts), from the gaps between them in a serving run. The gaps are
// fitted as a chain of two states, each with exponential gaps of its own
// mean (a hidden Markov model over the stalls, fitted by expectation-
// maximisation, as for any two-state hidden chain), and kept only where
// they explain the gaps clearly better than one exponential: a short probe
// on a calm machine sees a handful of stalls, whose gaps two states would
// always fit a little better.

#include <optional>
#include <vector>

#include "models/machine_stalls.hpp"

namespace troupe {

/// The fewest gaps between stalls whose bursts are fitted.
constexpr size_t min_burst_gaps = 20;

/// How much better the two states must explain the gaps than one
/// exponential, in log-likelihood: twice the difference goes as a
/// chi-square with the three parameters more (the second gap, the two
/// chances of changing state), whose 99th percentile is 11.3.
constexpr double min_burst_log_likelihood_gain = 6;

/// What the fit found: the bursts (not modelled where none), and how much
/// better two states explained the gaps than one.
struct burst_fit {
  stall_bursts bursts{};
  double log_likelihood_gain = 0;
};

/// The bursts of stalls at `per_s` a second whose gaps (from a stall's end
/// to the next one's start, in seconds; one list per core, in time order)
/// are `gaps_s`. None where there are fewer than min_burst_gaps, where two
/// states do not gain min_burst_log_likelihood_gain, or where the bursts
/// found cannot go with `per_s` (models/machine_stalls.hpp:
/// burst_conflict).
burst_fit fit_bursts(const std::vector<std::vector<double>>& gaps_s,
                     double per_s);

} // namespace troupe
