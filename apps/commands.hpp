#pragma once

// The subcommands of the troupe executable.

#include <cstdint>
#include <optional>
#include <string>

namespace troupe {

struct run_command_options {
  std::string scenario_file;
  /// "virtual" or "real".
  std::string clock = "virtual";
  /// Folder for summary.json and requests.csv; empty = print only.
  std::string out_dir;
  std::optional<uint64_t> seed;
  std::optional<uint64_t> count;
  /// Progress lines on stderr while running.
  bool progress = true;
};

/// `troupe run`: returns the process exit code.
int run_command(const run_command_options& options);

} // namespace troupe
