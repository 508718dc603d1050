#pragma once

// Writing a whole file so that a reader never sees half of it: the content
// goes to a temporary name beside the target, is flushed and checked, and is
// renamed over the target. A full disk or a missing folder is an error that
// names the file, never a cut file.

#include <string>

namespace troupe {

/// Writes `content` to `path`; throws std::runtime_error("cannot write
/// PATH: reason") on any failure, leaving no temporary file behind.
void write_file_atomically(const std::string& path, const std::string& content);

} // namespace troupe
