#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <vector>

#include "runtime/profile_refinement.hpp"

using namespace troupe;

namespace {

/// A model whose pass over a batch of b takes 0.2 + 0.1 b ms, except a
/// batch of 3 (20% longer: a kernel that suits 3 badly) and batches from 13
/// on (30% longer: another kernel); p99 1.5 times as long, idle passes 1.2
/// times.
double pass_ms(uint32_t b) {
  auto ms = 0.2 + 0.1 * b;
  if (b == 3)
    ms *= 1.2;
  if (b >= 13)
    ms *= 1.3;
  return ms;
}

/// Its rows on a machine `slower` times slower than the first round's (the
/// median pass takes the mean's time).
size_rows rows_of(uint32_t b, double slower = 1) {
  auto ms = pass_ms(b) * slower;
  return {{b, 1.5 * ms, 1000 * b / ms},
          {b, 1.8 * ms, 1000 * b / (1.2 * ms)},
          ms};
}

std::map<uint32_t, size_rows> given(const std::vector<uint32_t>& sizes) {
  std::map<uint32_t, size_rows> result;
  for (auto b : sizes)
    result[b] = rows_of(b);
  return result;
}

/// Rounds on a machine that gets 15% slower each round, recording the
/// sizes each round measured.
struct drifting_machine {
  std::vector<std::vector<uint32_t>> rounds;

  std::map<uint32_t, size_rows> operator()(const std::vector<uint32_t>& sizes) {
    rounds.push_back(sizes);
    std::map<uint32_t, size_rows> result;
    for (auto b : sizes)
      result[b] = rows_of(b, 1 + 0.15 * double(rounds.size()));
    return result;
  }
};

void check_row(const profile_row& x, const profile_row& y) {
  BOOST_CHECK_EQUAL(x.batch_size, y.batch_size);
  BOOST_CHECK_CLOSE(x.p99_ms, y.p99_ms, 0.01);
  BOOST_CHECK_CLOSE(x.throughput_qps, y.throughput_qps, 0.01);
}

} // namespace

BOOST_AUTO_TEST_SUITE(profile_refinements)

BOOST_AUTO_TEST_CASE(a_line_reads_throughput_between_two_rows) {
  profile_row lo{2, 1, 4000};
  profile_row hi{6, 3, 6000};
  BOOST_CHECK_CLOSE(on_line_qps(lo, hi, 3), 4500, 1e-9);
  BOOST_CHECK_CLOSE(on_line_qps(lo, hi, 6), 6000, 1e-9);
}

BOOST_AUTO_TEST_CASE(sizes_off_the_line_are_added_until_one_apart) {
  auto kept = given({1, 2, 4, 8, 16});
  drifting_machine machine;
  std::vector<uint32_t> added;
  std::vector<double> departures;
  auto rounds = refine_batch_sizes(
    kept, 0.05, 32, std::ref(machine), [&](const placed_size& placed) {
      added.push_back(placed.rows.row.batch_size);
      departures.push_back(placed.departure);
    });
  // Round 1 looks halfway in each gap of two or more, with the sizes
  // around: 3 (under the line), 6 (on it), 12 (over the line from 8 to the
  // slower 16). Round 2 looks on both sides of 12: 14 is under the line.
  // Round 3 looks on both sides of 14: 13 is under it, 15 on it.
  BOOST_CHECK_EQUAL(rounds, 3);
  BOOST_CHECK((machine.rounds[0]
               == std::vector<uint32_t>{2, 3, 4, 6, 8, 12, 16}));
  BOOST_CHECK((machine.rounds[1] == std::vector<uint32_t>{8, 10, 12, 14, 16}));
  BOOST_CHECK((machine.rounds[2] == std::vector<uint32_t>{12, 13, 14, 15, 16}));
  BOOST_CHECK((added == std::vector<uint32_t>{3, 12, 14, 13}));
  BOOST_CHECK_CLOSE(departures[0], 5000.0 / 5833.333 - 1, 0.01);
  // Each added size's rows as the first round would have measured them:
  // the machine's drift between rounds moved none (6, 10 and 15 stay out,
  // though each round measured them slower than the first).
  std::vector<uint32_t> sizes;
  for (const auto& [b, rows] : kept) {
    sizes.push_back(b);
    check_row(rows.row, rows_of(b).row);
    check_row(rows.idle_row, rows_of(b).idle_row);
    BOOST_CHECK_CLOSE(rows.median_ms, pass_ms(b), 0.01);
  }
  BOOST_CHECK((sizes == std::vector<uint32_t>{1, 2, 3, 4, 8, 12, 13, 14, 16}));
}

BOOST_AUTO_TEST_CASE(a_straight_model_gets_no_sizes_a_cap_stops_a_bent_one) {
  // Passes of 0.2 + 0.1 b ms throughout: every halfway size on the line.
  auto straight = [](const std::vector<uint32_t>& sizes) {
    std::map<uint32_t, size_rows> result;
    for (auto b : sizes) {
      auto ms = 0.2 + 0.1 * b;
      result[b] = {{b, ms, 1000 * b / ms}, {b, ms, 1000 * b / ms}, ms};
    }
    return result;
  };
  auto on_line = straight({1, 2, 4, 8});
  BOOST_CHECK_EQUAL(refine_batch_sizes(on_line, 0.05, 32, straight, {}), 1);
  BOOST_CHECK_EQUAL(on_line.size(), 4u);
  // A stall in the round that measured 3: its mean 30% longer, its median
  // pass on the line. Judged by the median, it is not added.
  auto stalled = [&](const std::vector<uint32_t>& sizes) {
    auto result = straight(sizes);
    if (result.count(3))
      result[3].row.throughput_qps /= 1.3;
    return result;
  };
  on_line = straight({1, 2, 4, 8});
  refine_batch_sizes(on_line, 0.05, 32, stalled, {});
  BOOST_CHECK_EQUAL(on_line.size(), 4u);
  // Within 30%, the bent model's departures (at most 15.5%) add nothing.
  drifting_machine machine;
  auto bent = given({1, 2, 4, 8, 16});
  refine_batch_sizes(bent, 0.3, 32, std::ref(machine), {});
  BOOST_CHECK_EQUAL(bent.size(), 5u);
  // At most 6 sizes: the first departing one (3) is the last added.
  bent = given({1, 2, 4, 8, 16});
  refine_batch_sizes(bent, 0.05, 6, std::ref(machine), {});
  BOOST_CHECK_EQUAL(bent.size(), 6u);
  BOOST_CHECK(bent.count(3));
  // 0 rounds where no two sizes have room between them.
  auto dense = given({1, 2, 3});
  BOOST_CHECK_EQUAL(refine_batch_sizes(dense, 0.05, 32, straight, {}), 0);
}

BOOST_AUTO_TEST_SUITE_END()
