#pragma once

// Small scenario files for tests, as TOML text.

#include <string>

namespace troupe::test {

/// Two models on CPU: "fast" (s(1) = 10 ms, s(2) = 12.5 ms, s(4) = 20 ms)
/// and "slow" (s(1) = 40 ms, s(2) = 50 ms).
inline const char* test_models = R"(
[[models]]
name = "fast"
  [[models.profiles]]
  hardware = "CPU"
  cost = 1
  rows = [[1, 10.0, 100.0], [2, 12.0, 160.0], [4, 20.0, 200.0]]
[[models]]
name = "slow"
  [[models.profiles]]
  hardware = "CPU"
  cost = 2
  rows = [[1, 40.0, 25.0], [2, 50.0, 40.0]]
)";

/// A scenario with a deltas workload read from "gaps.deltas" and the given
/// stages (TOML [[stages]] tables).
inline std::string deltas_scenario(const std::string& stages,
                                   double slo_ms = 1000) {
  return "name = \"test\"\nslo_ms = " + std::to_string(slo_ms)
         + "\nseed = 1\n[workload]\nkind = \"deltas\"\nfile = "
           "\"gaps.deltas\"\n"
         + test_models + stages;
}

/// n gaps of `gap_ms`, one per line.
inline std::string constant_gaps(size_t n, double gap_ms) {
  std::string text;
  for (size_t i = 0; i < n; ++i)
    text += std::to_string(gap_ms) + "\n";
  return text;
}

inline const char* one_fast_stage = R"(
[[stages]]
name = "a"
model = "fast"
hardware = "CPU"
max_batch = 4
inputs = ["source"]
)";

} // namespace troupe::test
