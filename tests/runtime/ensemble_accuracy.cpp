#include <boost/test/unit_test.hpp>

#include "models/input_error.hpp"
#include "runtime/ensemble_accuracy.hpp"
#include "tests/support/temp_dir.hpp"

using namespace troupe;

namespace {

output probabilities(std::vector<float> values) {
  output x;
  x.shape = {int64_t(values.size())};
  x.label = int32_t(std::max_element(values.begin(), values.end())
                    - values.begin());
  x.values = std::move(values);
  return x;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ensemble_accuracies)

BOOST_AUTO_TEST_CASE(every_subset_by_mean_and_by_vote) {
  // Two samples of truth 0 and 1. Model a is sure and right on sample 0 and
  // barely wrong on 1; b and c are barely right on 0 and wrong on 1.
  std::vector<std::vector<output>> outputs{
    {probabilities({0.9f, 0.1f}), probabilities({0.55f, 0.45f})},
    {probabilities({0.45f, 0.55f}), probabilities({0.6f, 0.4f})},
    {probabilities({0.4f, 0.6f}), probabilities({0.2f, 0.8f})}};
  std::vector<int32_t> labels{0, 1};
  auto rows = ensemble_accuracy(outputs, labels);
  BOOST_REQUIRE_EQUAL(rows.size(), 7u);
  // Singles first, then pairs, then all three.
  BOOST_CHECK(rows[0].members == (std::vector<size_t>{0}));
  BOOST_CHECK(rows[3].members == (std::vector<size_t>{0, 1}));
  BOOST_CHECK(rows[6].members == (std::vector<size_t>{0, 1, 2}));
  BOOST_CHECK_EQUAL(rows[0].mean_accuracy, 0.5);
  BOOST_CHECK_EQUAL(rows[2].mean_accuracy, 0.5); // c: wrong, then right
  // a+b: mean (0.675, 0.325) right on 0; (0.575, 0.425) wrong on 1. Vote:
  // 0 against 1 on sample 0, a tie that goes to the smaller label (right);
  // both vote 0 on sample 1 (wrong).
  BOOST_CHECK_EQUAL(rows[3].mean_accuracy, 0.5);
  BOOST_CHECK_EQUAL(rows[3].vote_accuracy, 0.5);
  // a+b+c: mean (0.583, 0.417) on 0 is right; (0.45, 0.55) on 1 is right.
  // The vote on sample 0 is 0, 1, 1: wrong; on sample 1 it is 0, 0, 1: wrong.
  BOOST_CHECK_EQUAL(rows[6].mean_accuracy, 1.0);
  BOOST_CHECK_EQUAL(rows[6].vote_accuracy, 0.0);
  auto csv = ensemble_csv({"a", "b,c", "d"}, rows);
  BOOST_CHECK(csv.rfind("models,size,mean_accuracy,vote_accuracy\n", 0) == 0);
  BOOST_CHECK(csv.find("\"a+b,c+d\",3,1.0000,0.0000\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lengths_must_agree_and_subsets_stay_countable) {
  std::vector<std::vector<output>> outputs{{probabilities({1.0f, 0.0f})}};
  BOOST_CHECK_THROW(ensemble_accuracy(outputs, {0, 1}), std::invalid_argument);
  std::vector<std::vector<output>> many(17);
  BOOST_CHECK_THROW(ensemble_accuracy(many, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(rafiki_reads_the_subsets_it_needs_in_mask_order) {
  troupe::test::temp_dir dir;
  auto path = dir.write("accuracy.csv",
                        "models,size,mean_accuracy,vote_accuracy\n"
                        "a,1,0.5,0.5\nb,1,0.6,0.6\nc,1,0.7,0.7\n"
                        "a+b,2,0.61,0.6\na+c,2,0.72,0.7\nb+c,2,0.73,0.7\n"
                        "a+b+c,3,0.8,0.8\n");
  // Models in the order c, a: mask 1 = {a}, 2 = {c}, 3 = {c, a}.
  auto got = read_subset_accuracy(path, {"c", "a"});
  std::vector<double> want{0.5, 0.7, 0.72};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(),
                                want.end());
  // A subset the file lacks, and a bad row, are named.
  auto missing = dir.write("few.csv", "models,size,mean_accuracy\na,1,0.5\n");
  BOOST_CHECK_EXCEPTION(read_subset_accuracy(missing, {"a", "b"}),
                        input_error, [](const input_error& e) {
                          return std::string{e.what()}.find("'b'")
                                 != std::string::npos;
                        });
  auto bad = dir.write("bad.csv", "models,size,mean_accuracy\na,1,1.5\n");
  BOOST_CHECK_EXCEPTION(read_subset_accuracy(bad, {"a"}), input_error,
                        [](const input_error& e) {
                          return std::string{e.what()}.find("bad.csv:2")
                                 != std::string::npos;
                        });
  BOOST_CHECK_THROW(read_subset_accuracy(dir.write("x", "") + "-none.csv", {"a"}),
                    input_error);
}

BOOST_AUTO_TEST_SUITE_END()
