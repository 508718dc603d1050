#pragma once

// A string as a JSON string literal: quotes and backslashes escaped, control
// characters as \uXXXX.

#include <string>

#include <fmt/format.h>

namespace troupe {

inline std::string json_string(const std::string& text) {
  std::string result = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      result += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      result += fmt::format("\\u{:04x}", static_cast<int>(c));
    else
      result += c;
  }
  return result + "\"";
}

} // namespace troupe
