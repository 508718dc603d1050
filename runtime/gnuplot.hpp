#pragma once

// Plots drawn by gnuplot, when it is installed: a command writes the data
// (CSV) and a script that reads it, then runs gnuplot on the script. The
// script stays either way, so that a person can redraw or change the plot.

#include <string>

namespace troupe {

/// What a plot came to: the PNG's path, or why there is none.
struct plot_result {
  /// Empty when no plot was drawn.
  std::string png;
  /// Why there is no plot (gnuplot missing or failed); empty with a plot.
  std::string problem;
};

/// A gnuplot string literal: single quotes, a quote doubled.
std::string gnuplot_quoted(const std::string& text);

/// Runs `gnuplot` (a program name or path) on DIR/script in DIR; the script
/// draws DIR/png.
plot_result run_gnuplot(const std::string& dir, const std::string& script,
                        const std::string& png,
                        const std::string& gnuplot = "gnuplot");

} // namespace troupe
