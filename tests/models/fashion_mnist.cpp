#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <filesystem>

#include "models/data/fashion_mnist.hpp"
#include "models/data/idx_file.hpp"
#include "models/input_error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

/// An IDX file of bytes: header (type 0x08, rank, sizes) then values.
std::string idx_bytes(const std::vector<uint32_t>& dims,
                      const std::vector<uint8_t>& values) {
  std::string out{'\0', '\0', '\x08', char(dims.size())};
  for (auto d : dims)
    for (int shift : {24, 16, 8, 0})
      out += char((d >> shift) & 0xff);
  out.append(values.begin(), values.end());
  return out;
}

void write_gz(const std::string& path, const std::string& content) {
  auto* f = gzopen(path.c_str(), "wb");
  BOOST_REQUIRE(f != nullptr);
  gzwrite(f, content.data(), unsigned(content.size()));
  gzclose(f);
}

/// Three 2x2 images labelled 0, 9, 4, in `dir` as Fashion-MNIST's test split.
void write_small_set(const test::temp_dir& dir) {
  write_gz(dir.path("t10k-images-idx3-ubyte.gz"),
           idx_bytes({3, 2, 2}, {0, 255, 51, 102, 1, 2, 3, 4, 9, 9, 9, 9}));
  write_gz(dir.path("t10k-labels-idx1-ubyte.gz"), idx_bytes({3}, {0, 9, 4}));
}

template <class F>
void expect_input_error(F f, const std::string& file, const std::string& text) {
  try {
    f();
    BOOST_FAIL("expected an input_error mentioning '" << text << "'");
  } catch (const input_error& err) {
    BOOST_CHECK_EQUAL(err.file(), file);
    BOOST_CHECK_MESSAGE(std::string{err.what()}.find(text) != std::string::npos,
                        err.what());
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(data_sets)

BOOST_AUTO_TEST_CASE(a_small_set_reads_back) {
  test::temp_dir dir;
  write_small_set(dir);
  auto set = load_fashion_mnist(dir.path(""), data_split::test);
  BOOST_REQUIRE_EQUAL(set.size(), 3u);
  BOOST_CHECK_EQUAL(set.rows, 2u);
  BOOST_CHECK_EQUAL(set.cols, 2u);
  BOOST_CHECK_EQUAL(int(set.labels[1]), 9);
  BOOST_CHECK_EQUAL(int(set.pixels[5]), 2);
  auto first = set.scaled(0);
  BOOST_CHECK_EQUAL(first[0], 0.0f);
  BOOST_CHECK_EQUAL(first[1], 1.0f);
  BOOST_CHECK_CLOSE(first[2], 0.2f, 1e-4);
  auto two = set.first(2);
  BOOST_CHECK_EQUAL(two.size(), 2u);
  BOOST_CHECK_EQUAL(two.pixels.size(), 8u);
}

BOOST_AUTO_TEST_CASE(plain_files_read_too) {
  test::temp_dir dir;
  auto file = dir.write("plain-idx1", idx_bytes({2}, {7, 8}));
  auto x = read_idx(file, 1);
  BOOST_CHECK_EQUAL(x.dims[0], 2u);
  BOOST_CHECK_EQUAL(int(x.values[1]), 8);
}

BOOST_AUTO_TEST_CASE(bad_files_name_themselves) {
  test::temp_dir dir;
  auto missing = dir.path("missing.gz");
  expect_input_error([&] { read_idx(missing, 1); }, missing, "cannot open");
  auto cut = dir.path("cut.gz");
  auto full = idx_bytes({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  write_gz(cut, full.substr(0, full.size() - 3));
  expect_input_error([&] { read_idx(cut, 3); }, cut, "truncated");
  auto text = dir.write("text", "hello, world");
  expect_input_error([&] { read_idx(text, 1); }, text, "not an IDX file");
  auto rank = dir.write("rank", idx_bytes({2}, {1, 2}));
  expect_input_error([&] { read_idx(rank, 3); }, rank, "IDX rank 1; expected 3");
  auto extra = dir.write("extra", idx_bytes({2}, {1, 2, 3}));
  expect_input_error([&] { read_idx(extra, 1); }, extra, "bytes after");
  auto huge = dir.write("huge", idx_bytes({65536, 65536, 2}, {}));
  expect_input_error([&] { read_idx(huge, 3); }, huge, "more than");
  // A gzip file whose checksum does not match its data (a damaged
  // download): zlib's error, with the file's name.
  auto damaged = dir.path("damaged.gz");
  write_gz(damaged, idx_bytes({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
  auto bytes = test::read_file(damaged);
  bytes[bytes.size() - 8] = char(bytes[bytes.size() - 8] ^ 0xff);
  dir.write("damaged.gz", bytes);
  expect_input_error([&] { read_idx(damaged, 2); }, damaged,
                     "cannot read the file: incorrect data check");
}

BOOST_AUTO_TEST_CASE(images_and_labels_must_agree) {
  test::temp_dir dir;
  write_small_set(dir);
  auto labels = dir.path("t10k-labels-idx1-ubyte.gz");
  write_gz(labels, idx_bytes({2}, {0, 9}));
  expect_input_error([&] { load_fashion_mnist(dir.path(""), data_split::test); },
                     labels, "2 labels for 3 images");
  write_gz(labels, idx_bytes({3}, {0, 12, 1}));
  expect_input_error([&] { load_fashion_mnist(dir.path(""), data_split::test); },
                     labels, "label 12 at index 1");
}

BOOST_AUTO_TEST_CASE(the_installed_data_set_is_whole) {
  // The README's set-up installs Debian's dataset-fashion-mnist.
  BOOST_REQUIRE(std::filesystem::exists(default_fashion_mnist_dir));
  auto test = load_fashion_mnist(default_fashion_mnist_dir, data_split::test);
  BOOST_CHECK_EQUAL(test.size(), 10000u);
  BOOST_CHECK_EQUAL(test.rows, 28u);
  BOOST_CHECK_EQUAL(test.cols, 28u);
  // Balanced: 1,000 images of each class.
  std::vector<int> per_class(10, 0);
  for (auto label : test.labels)
    ++per_class[label];
  for (auto n : per_class)
    BOOST_CHECK_EQUAL(n, 1000);
}

BOOST_AUTO_TEST_SUITE_END()
