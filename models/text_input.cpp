#include "models/text_input.hpp"

#include <charconv>
#include <cmath>

#include "models/input_error.hpp"

namespace troupe {

std::string trim(const std::string& line) {
  auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  auto last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty())
    return false;
  auto result = std::from_chars(text.data(), text.data() + text.size(), out);
  return result.ec == std::errc{} && result.ptr == text.data() + text.size()
         && std::isfinite(out);
}

std::string quoted(const std::string& text) {
  constexpr size_t shown = 40;
  if (text.size() <= shown)
    return "'" + text + "'";
  return "'" + text.substr(0, shown) + "...' (" + std::to_string(text.size())
         + " characters)";
}

std::ifstream open_or_throw(const std::string& path, const char* what) {
  std::ifstream in{path};
  if (!in)
    throw input_error(path, 0, "", std::string{"cannot open "} + what);
  return in;
}

} // namespace troupe
