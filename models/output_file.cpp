#include "models/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace troupe {

void write_file_atomically(const std::string& path,
                           const std::string& content) {
  auto temporary = path + ".partial";
  auto fail = [&](const std::string& why) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw std::runtime_error("cannot write " + path + ": " + why);
  };
  auto* out = std::fopen(temporary.c_str(), "wb");
  if (out == nullptr)
    fail(std::strerror(errno));
  auto written = std::fwrite(content.data(), 1, content.size(), out);
  auto write_errno = errno;
  // fclose flushes: a full disk shows here at the latest.
  auto closed = std::fclose(out);
  auto close_errno = errno;
  if (written != content.size())
    fail(std::strerror(write_errno));
  if (closed != 0)
    fail(std::strerror(close_errno));
  std::error_code err;
  std::filesystem::rename(temporary, path, err);
  if (err)
    fail(err.message());
}

} // namespace troupe
