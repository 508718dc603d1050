#pragma once

// The error every loader of user input throws: it names the file, the line
// (0 when unknown) and the field, so that a user can fix the input at once.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace troupe {

class input_error : public std::runtime_error {
public:
  input_error(std::string file, size_t line, std::string field,
              const std::string& what);

  const std::string& file() const noexcept {
    return file_;
  }

  size_t line() const noexcept {
    return line_;
  }

  const std::string& field() const noexcept {
    return field_;
  }

private:
  std::string file_;
  size_t line_;
  std::string field_;
};

} // namespace troupe
