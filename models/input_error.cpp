#include "models/input_error.hpp"

namespace troupe {

namespace {

std::string render(const std::string& file, size_t line,
                   const std::string& field, const std::string& what) {
  std::string result = file;
  if (line > 0)
    result += ":" + std::to_string(line);
  result += ": ";
  if (!field.empty())
    result += "'" + field + "': ";
  result += what;
  return result;
}

} // namespace

input_error::input_error(std::string file, size_t line, std::string field,
                         const std::string& what)
  : std::runtime_error(render(file, line, field, what)),
    file_(std::move(file)),
    line_(line),
    field_(std::move(field)) {
  // nop
}

} // namespace troupe
