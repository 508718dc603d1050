#pragma once

// One copy of each data set split per process: every replica of every stage
// that resolves data-set indexes shares it (the test split is 7.8 MB and
// takes a fraction of a second to decompress).

#include <memory>
#include <string>

#include "models/data/fashion_mnist.hpp"

namespace troupe {

/// The split, loaded on first use (thread-safe); throws what
/// load_fashion_mnist throws.
std::shared_ptr<const image_set> shared_fashion_mnist(const std::string& dir,
                                                      data_split split);

} // namespace troupe
