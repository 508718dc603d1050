#pragma once

// Small pieces shared by the readers of line-based input files (gap files,
// rate traces, arrival and action lists): each error they lead to names
// the file and the line (models/input_error.hpp).

#include <fstream>
#include <string>

namespace troupe {

/// `line` without leading and trailing blanks (space, tab, CR).
std::string trim(const std::string& line);

/// Parses a whole string as a finite double, or returns false.
bool parse_double(const std::string& text, double& out);

/// `text` in quotes for an error message; a long one cut to its start (a
/// garbled file may hold a line of a gigabyte).
std::string quoted(const std::string& text);

/// Opens `path` for reading; throws input_error ("cannot open WHAT").
std::ifstream open_or_throw(const std::string& path, const char* what);

} // namespace troupe
