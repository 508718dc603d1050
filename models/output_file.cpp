#include "models/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace troupe {

namespace fs = std::filesystem;

output_file::output_file(std::string path) : path_(std::move(path)) {
  std::error_code err;
  auto status = fs::status(path_, err);
  bool special = fs::exists(status) && !fs::is_regular_file(status);
  written_ = special ? path_ : path_ + ".partial";
  errno = 0;
  out_.open(written_, std::ios::binary | std::ios::trunc);
  if (!out_)
    fail(errno != 0 ? std::strerror(errno) : "cannot open");
}

output_file::~output_file() {
  if (committed_ || written_ == path_)
    return;
  out_.close();
  std::error_code ignored;
  fs::remove(written_, ignored);
}

void output_file::fail(const std::string& why) {
  if (written_ != path_) {
    out_.close();
    std::error_code ignored;
    fs::remove(written_, ignored);
  }
  committed_ = true; // nothing left to clean up
  throw std::runtime_error("cannot write " + path_ + ": " + why);
}

void output_file::commit() {
  errno = 0;
  out_.flush();
  if (!out_)
    fail(errno != 0 ? std::strerror(errno) : "write error");
  // Closing flushes what the stream buffer still holds: a full disk shows
  // here at the latest.
  out_.close();
  if (!out_)
    fail(errno != 0 ? std::strerror(errno) : "write error");
  if (written_ != path_) {
    std::error_code err;
    fs::rename(written_, path_, err);
    if (err)
      fail(err.message());
  }
  committed_ = true;
}

void write_file_atomically(const std::string& path,
                           const std::string& content) {
  output_file file{path};
  file.stream() << content;
  file.commit();
}

} // namespace troupe
