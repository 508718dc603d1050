#pragma once

// Writing a whole file so that a reader never sees half of it: the content
// goes to a temporary name beside the target, is flushed and checked, and is
// renamed over the target. A full disk or a missing folder is an error that
// names the file, never a cut file. A target that exists and is not a
// regular file (a device such as /dev/full, a pipe) is written in place,
// with the same checks.

#include <fstream>
#include <string>

namespace troupe {

class output_file {
public:
  /// Opens the temporary file; throws std::runtime_error("cannot write
  /// PATH: reason").
  explicit output_file(std::string path);

  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  /// Removes the temporary file unless commit() succeeded.
  ~output_file();

  std::ostream& stream() {
    return out_;
  }

  /// Flushes, checks every write, closes and renames over the target;
  /// throws std::runtime_error("cannot write PATH: reason").
  void commit();

private:
  [[noreturn]] void fail(const std::string& why);

  std::string path_;
  /// Where the bytes go: a temporary name, or the path itself.
  std::string written_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Writes `content` to `path` as output_file does.
void write_file_atomically(const std::string& path, const std::string& content);

} // namespace troupe
