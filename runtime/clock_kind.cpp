#include "runtime/clock_kind.hpp"

namespace troupe {

std::optional<clock_kind> parse_clock_kind(const std::string& text) {
  if (text == "virtual")
    return clock_kind::virtual_time;
  if (text == "real")
    return clock_kind::real_time;
  return std::nullopt;
}

std::string to_string(clock_kind x) {
  return x == clock_kind::virtual_time ? "virtual" : "real";
}

} // namespace troupe
