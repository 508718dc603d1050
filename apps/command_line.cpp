#include "apps/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace troupe::cli {

namespace {

bool parse_unsigned(const std::string& text, uint64_t& value) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc{} && ptr == end && !text.empty();
}

bool parse_finite(const std::string& text, double& value) {
  std::istringstream in{text};
  in >> value;
  return in && in.peek() == std::char_traits<char>::eof()
         && std::isfinite(value);
}

CLI::Validator integer_check(uint64_t least, const std::string& what) {
  return CLI::Validator(
    [least, what](std::string& text) -> std::string {
      uint64_t value = 0;
      if (!parse_unsigned(text, value) || value < least)
        return "must be " + what + ", got '" + text + "'";
      return {};
    },
    what == "a positive integer" ? "INT>0" : "INT>=0");
}

CLI::Validator number_check(bool zero_allowed, double most,
                            const std::string& what, double least = 0) {
  return CLI::Validator(
    [zero_allowed, most, what, least](std::string& text) -> std::string {
      double value = 0;
      if (!parse_finite(text, value) || value < least
          || (value == 0 && !zero_allowed) || value > most)
        return "must be " + what + ", got '" + text + "'";
      return {};
    },
    zero_allowed ? "NUMBER>=0" : "NUMBER>0");
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The subcommand being parsed: the deepest one selected so far.
const CLI::App* innermost(const CLI::App& app) {
  const CLI::App* cmd = &app;
  for (;;) {
    auto subs = cmd->get_subcommands();
    if (subs.empty())
      return cmd;
    cmd = subs.front();
  }
}

/// "troupe run" for a parse error in run.
std::string command_name(const CLI::App& app) {
  std::string name;
  for (const auto* cmd = innermost(app); cmd != nullptr;
       cmd = cmd->get_parent())
    name = cmd->get_name() + (name.empty() ? "" : " " + name);
  return name;
}

} // namespace

CLI::Validator positive_integer() {
  return integer_check(1, "a positive integer");
}

CLI::Validator non_negative_integer() {
  return integer_check(0, "an integer of at least 0");
}

CLI::Validator positive_number(double most) {
  if (std::isfinite(most))
    return number_check(false, most,
                        fmt::format("a number above 0 and at most {:g}", most));
  return number_check(false, most, "a finite number above 0");
}

CLI::Validator number_between(double least, double most) {
  return number_check(least == 0, most,
                      fmt::format("a number from {} to {}", least, most),
                      least);
}

CLI::Validator non_negative_number() {
  return number_check(true, std::numeric_limits<double>::infinity(),
                      "a finite number of at least 0");
}

std::string closest_option(const CLI::App& app, const std::string& word) {
  auto stripped = word.substr(word.find_first_not_of('-'));
  stripped = stripped.substr(0, stripped.find('='));
  std::string best;
  // Close: at most two edits, or a third of the word for long ones.
  size_t best_distance = std::max<size_t>(2, stripped.size() / 3) + 1;
  for (const auto* cmd = innermost(app); cmd != nullptr;
       cmd = cmd->get_parent())
    for (const auto* opt : cmd->get_options())
      for (const auto& name : opt->get_lnames()) {
        auto d = edit_distance(stripped, name);
        if (d < best_distance) {
          best_distance = d;
          best = "--" + name;
        }
      }
  return best;
}

int parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << command_name(app) << ": " << e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr)
      for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || arg.size() < 3)
          continue;
        auto name = arg.substr(0, arg.find('='));
        auto suggestion = closest_option(app, arg);
        if (!suggestion.empty() && suggestion != name)
          std::cerr << " (" << name << ": did you mean " << suggestion << "?)";
      }
    std::cerr << "\nRun with --help for more information.\n";
    return 2;
  }
}

} // namespace troupe::cli
