#pragma once

// Command-line parsing shared by troupe and troupe-bench (CLI11): option
// checks whose messages say what is expected (CLI11's own print a range of
// 309 digits and let "-1" wrap to a huge seed), and one way to end on a
// parse error: a line naming the program, a suggestion for a mistyped
// option, and exit code 2 like every other bad input.

#include <limits>
#include <string>

#include <CLI/CLI.hpp>

namespace troupe::cli {

/// An integer from 1 to 2^64 - 1.
CLI::Validator positive_integer();

/// An integer from 0 to 2^64 - 1 (a seed): "-1" is refused, not wrapped.
CLI::Validator non_negative_integer();

/// A finite number above 0 (NaN and infinities are refused), at most
/// `most` when that is finite.
CLI::Validator positive_number(
  double most = std::numeric_limits<double>::infinity());

/// A finite number of at least 0.
CLI::Validator non_negative_number();

/// A number from `least` (at least 0) to `most`, both finite.
CLI::Validator number_between(double least, double most);

/// The option of `app` (or of the subcommand being parsed) closest to
/// `word`, a mistyped "--name"; empty when none is close.
std::string closest_option(const CLI::App& app, const std::string& word);

/// Parses; returns -1 when the command should run, else the exit code to
/// end with (0 after --help or --version, 2 after a parse error, with the
/// error on stderr).
int parse(CLI::App& app, int argc, char** argv);

} // namespace troupe::cli
