#pragma once

// A CSV field as RFC 4180 writes it: as is, unless it holds a comma, a
// quote or a line break; then quoted, with quotes doubled.

#include <string>

namespace troupe {

inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string result = "\"";
  for (char c : text) {
    if (c == '"')
      result += '"';
    result += c;
  }
  return result + "\"";
}

} // namespace troupe
