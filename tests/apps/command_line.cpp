// Command-line checks and errors: values out of range are refused with a
// message that says what is expected, a mistyped option gets the closest
// one suggested, and every parse error ends with exit code 2.

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apps/command_line.hpp"

using namespace troupe;

namespace {

/// What a validator says of `text` (empty: accepted).
std::string check(const CLI::Validator& v, std::string text) {
  return v(text);
}

struct command {
  CLI::App app{"test"};
  CLI::App* run = nullptr;
  std::optional<uint64_t> count;
  std::optional<uint64_t> seed;
  double slo_ms = 0;

  command() {
    app.name("troupe");
    app.require_subcommand(1);
    run = app.add_subcommand("run", "runs");
    run->add_option("--count", count)->check(cli::positive_integer());
    run->add_option("--seed", seed)->check(cli::non_negative_integer());
    run->add_option("--slo-ms", slo_ms)->check(cli::positive_number());
  }

  int parse(std::vector<std::string> words) {
    std::vector<char*> argv;
    words.insert(words.begin(), "troupe");
    for (auto& w : words)
      argv.push_back(w.data());
    return cli::parse(app, int(argv.size()), argv.data());
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(command_line)

BOOST_AUTO_TEST_CASE(integers_are_checked_without_wrapping) {
  auto positive = cli::positive_integer();
  BOOST_CHECK(check(positive, "1").empty());
  BOOST_CHECK(check(positive, "18446744073709551615").empty());
  BOOST_CHECK_EQUAL(check(positive, "0"),
                    "must be a positive integer, got '0'");
  BOOST_CHECK(!check(positive, "abc").empty());
  BOOST_CHECK(!check(positive, "2.5").empty());
  BOOST_CHECK(!check(positive, "18446744073709551616").empty());
  auto seed = cli::non_negative_integer();
  BOOST_CHECK(check(seed, "0").empty());
  BOOST_CHECK_EQUAL(check(seed, "-1"),
                    "must be an integer of at least 0, got '-1'");
}

BOOST_AUTO_TEST_CASE(numbers_must_be_finite) {
  auto positive = cli::positive_number();
  BOOST_CHECK(check(positive, "0.5").empty());
  BOOST_CHECK(check(positive, "1e3").empty());
  for (auto bad : {"0", "-1", "nan", "inf", "-inf", "1e999", "5ms", ""})
    BOOST_CHECK_MESSAGE(!check(positive, bad).empty(), bad);
  auto bounded = cli::positive_number(1000);
  BOOST_CHECK(check(bounded, "1000").empty());
  BOOST_CHECK_EQUAL(check(bounded, "1000.5"),
                    "must be a number above 0 and at most 1000, got '1000.5'");
  auto non_negative = cli::non_negative_number();
  BOOST_CHECK(check(non_negative, "0").empty());
  BOOST_CHECK(!check(non_negative, "nan").empty());
  auto between = cli::number_between(10, 3600000);
  BOOST_CHECK(check(between, "10").empty());
  BOOST_CHECK(check(between, "3600000").empty());
  BOOST_CHECK_EQUAL(check(between, "9.5"),
                    "must be a number from 10 to 3600000, got '9.5'");
  for (auto bad : {"0", "nan", "inf", "3600001", "1e999"})
    BOOST_CHECK_MESSAGE(!check(between, bad).empty(), bad);
}

BOOST_AUTO_TEST_CASE(a_mistyped_option_gets_the_closest_one) {
  command c;
  BOOST_CHECK_EQUAL(c.parse({"run", "--cuont", "5"}), 2);
  BOOST_CHECK_EQUAL(cli::closest_option(c.app, "--cuont"), "--count");
  BOOST_CHECK_EQUAL(cli::closest_option(c.app, "--slo_ms=3"), "--slo-ms");
  BOOST_CHECK_EQUAL(cli::closest_option(c.app, "--xyzzy"), "");
}

BOOST_AUTO_TEST_CASE(parse_errors_exit_with_2_and_good_lines_run) {
  command c;
  BOOST_CHECK_EQUAL(c.parse({"run", "--count", "7", "--seed", "0"}), -1);
  BOOST_CHECK_EQUAL(*c.count, 7u);
  BOOST_CHECK_EQUAL(command{}.parse({"run", "--seed", "-1"}), 2);
  BOOST_CHECK_EQUAL(command{}.parse({"run", "--slo-ms", "nan"}), 2);
  BOOST_CHECK_EQUAL(command{}.parse({}), 2);
  BOOST_CHECK_EQUAL(command{}.parse({"run", "--help"}), 0);
}

BOOST_AUTO_TEST_SUITE_END()
