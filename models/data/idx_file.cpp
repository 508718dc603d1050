#include "models/data/idx_file.hpp"

#include <algorithm>

#include <zlib.h>

#include <fmt/format.h>

#include "models/input_error.hpp"

namespace troupe {

namespace {

/// The most values one IDX file may hold (4 GiB): a header that states more
/// is corrupt, not a data set.
constexpr uint64_t max_values = uint64_t{1} << 32;

class gz_reader {
public:
  explicit gz_reader(const std::string& file) : file_(file) {
    handle_ = gzopen(file.c_str(), "rb");
    if (handle_ == nullptr)
      throw input_error(file, 0, "", "cannot open the file");
  }

  gz_reader(const gz_reader&) = delete;
  gz_reader& operator=(const gz_reader&) = delete;

  ~gz_reader() {
    gzclose(handle_);
  }

  /// Reads up to `size` bytes; fewer only at the end of the file.
  size_t read(uint8_t* out, size_t size) {
    size_t done = 0;
    while (done < size) {
      auto chunk = static_cast<unsigned>(std::min<size_t>(size - done, 1 << 30));
      auto n = gzread(handle_, out + done, chunk);
      if (n < 0) {
        int code = 0;
        std::string text = gzerror(handle_, &code);
        // zlib starts its message with the path, which the error names.
        if (text.rfind(file_ + ": ", 0) == 0)
          text.erase(0, file_.size() + 2);
        throw input_error(file_, 0, "",
                          fmt::format("cannot read the file: {}", text));
      }
      if (n == 0)
        break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  void read_exactly(uint8_t* out, size_t size, const char* what) {
    auto n = read(out, size);
    if (n != size)
      throw input_error(file_, 0, "",
                        fmt::format("truncated: {} needs {} bytes, the file "
                                    "has {}",
                                    what, size, n));
  }

private:
  std::string file_;
  gzFile handle_;
};

uint32_t big_endian(const uint8_t* x) {
  return (uint32_t{x[0]} << 24) | (uint32_t{x[1]} << 16) | (uint32_t{x[2]} << 8)
         | uint32_t{x[3]};
}

} // namespace

idx_array read_idx(const std::string& file, size_t rank) {
  gz_reader in{file};
  uint8_t magic[4];
  in.read_exactly(magic, 4, "the header");
  // Two zero bytes, the value type (0x08: unsigned byte), the rank.
  if (magic[0] != 0 || magic[1] != 0)
    throw input_error(file, 0, "",
                      fmt::format("not an IDX file (magic number 0x{:02x}{:02x}"
                                  "{:02x}{:02x})",
                                  magic[0], magic[1], magic[2], magic[3]));
  if (magic[2] != 0x08)
    throw input_error(file, 0, "",
                      fmt::format("IDX values of type 0x{:02x}; expected "
                                  "unsigned bytes (0x08)",
                                  magic[2]));
  if (magic[3] != rank)
    throw input_error(file, 0, "",
                      fmt::format("IDX rank {}; expected {}", magic[3], rank));
  idx_array result;
  std::vector<uint8_t> header(4 * rank);
  in.read_exactly(header.data(), header.size(), "the header");
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    result.dims.push_back(big_endian(header.data() + 4 * i));
    count *= result.dims.back();
    if (count > max_values)
      throw input_error(file, 0, "",
                        fmt::format("the header states more than {} values",
                                    max_values));
  }
  result.values.resize(count);
  in.read_exactly(result.values.data(), result.values.size(), "the values");
  uint8_t extra = 0;
  if (in.read(&extra, 1) != 0)
    throw input_error(file, 0, "", "bytes after the values the header states");
  return result;
}

} // namespace troupe
