#pragma once

// IDX files (the format of MNIST and Fashion-MNIST): a big-endian header
// with a type code and the size of each dimension, then the values. Files
// may be gzip'd or plain (zlib reads both).

#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

/// An IDX file of unsigned bytes: its dimensions and values, row-major.
struct idx_array {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> values;
};

/// Reads an IDX file of unsigned bytes with `rank` dimensions. Throws
/// input_error naming the file on a missing, truncated or corrupt file (a bad
/// magic number, the wrong rank or value type, bytes after the values).
idx_array read_idx(const std::string& file, size_t rank);

} // namespace troupe
