#include <boost/test/unit_test.hpp>

#include "policies/combining/combine.hpp"

using namespace troupe;

namespace {

output probabilities(std::vector<float> values) {
  output x;
  x.shape = {static_cast<int64_t>(values.size())};
  x.values = std::move(values);
  return x;
}

output label_only(int32_t label) {
  output x;
  x.label = label;
  return x;
}

} // namespace

BOOST_AUTO_TEST_SUITE(combining)

BOOST_AUTO_TEST_CASE(mean_averages_probabilities_and_takes_the_largest) {
  auto x = combine({probabilities({0.6f, 0.4f, 0.0f}),
                    probabilities({0.1f, 0.5f, 0.4f}),
                    probabilities({0.2f, 0.5f, 0.3f})},
                   combine_kind::mean);
  BOOST_REQUIRE_EQUAL(x.values.size(), 3u);
  BOOST_CHECK_CLOSE(x.values[0], 0.3f, 1e-4);
  BOOST_CHECK_CLOSE(x.values[1], 0.4667f, 1e-2);
  BOOST_CHECK_EQUAL(x.label, 1);
}

// Each branch's own label counts in a vote, even where the mean disagrees.
BOOST_AUTO_TEST_CASE(vote_counts_labels_and_a_tie_goes_to_the_smaller) {
  auto a = probabilities({0.9f, 0.1f});
  a.label = 0;
  auto b = probabilities({0.45f, 0.55f});
  b.label = 1;
  auto c = b;
  BOOST_CHECK_EQUAL(combine({a, b, c}, combine_kind::vote).label, 1);
  BOOST_CHECK_EQUAL(combine({a, b, c}, combine_kind::mean).label, 0);
  BOOST_CHECK_EQUAL(combine({label_only(4), label_only(2)}, combine_kind::vote)
                      .label,
                    2);
}

BOOST_AUTO_TEST_CASE(branches_without_an_output_do_not_count) {
  BOOST_CHECK(combine({output{}, output{}}, combine_kind::mean).empty());
  auto x = combine({output{}, probabilities({0.2f, 0.8f})}, combine_kind::mean);
  BOOST_CHECK(x.values == (std::vector<float>{0.2f, 0.8f}));
  // Labels alone: mean falls back to a vote.
  BOOST_CHECK_EQUAL(combine({label_only(3), label_only(3), label_only(1)},
                            combine_kind::mean)
                      .label,
                    3);
}

BOOST_AUTO_TEST_SUITE_END()
