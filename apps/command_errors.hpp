#pragma once

// How every subcommand ends on an error: one line on stderr that names the
// command, and an exit code a script can tell apart: 2 for bad input (a
// file, a line, a key, an unknown name), 1 for anything else.

#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>

#include "models/input_error.hpp"

namespace troupe {

inline int report_errors(const std::string& command,
                         const std::function<int()>& body) {
  try {
    return body();
  } catch (const input_error& err) {
    std::cerr << command << ": " << err.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& err) {
    std::cerr << command << ": " << err.what() << "\n";
    return 2;
  } catch (const std::exception& err) {
    std::cerr << command << ": " << err.what() << "\n";
    return 1;
  }
}

} // namespace troupe
