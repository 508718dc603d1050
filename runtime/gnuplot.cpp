#include "runtime/gnuplot.hpp"

#include <cstdlib>
#include <filesystem>

namespace troupe {

namespace {

/// A shell word: single quotes, a quote closed, escaped and reopened.
std::string shell_quoted(const std::string& text) {
  std::string result = "'";
  for (char c : text)
    result += c == '\'' ? std::string{"'\\''"} : std::string{c};
  return result + "'";
}

} // namespace

std::string gnuplot_quoted(const std::string& text) {
  std::string result = "'";
  for (char c : text)
    result += c == '\'' ? std::string{"''"} : std::string{c};
  return result + "'";
}

plot_result run_gnuplot(const std::string& dir, const std::string& script,
                        const std::string& png, const std::string& gnuplot) {
  namespace fs = std::filesystem;
  auto script_path = (fs::path{dir} / script).string();
  auto found = "command -v " + shell_quoted(gnuplot) + " >/dev/null 2>&1";
  if (std::system(found.c_str()) != 0)
    return {"", gnuplot + " is not installed (the script is " + script_path
                  + ")"};
  auto command = "cd " + shell_quoted(dir) + " && " + shell_quoted(gnuplot)
                 + " " + shell_quoted(script) + " 2>gnuplot.log";
  if (std::system(command.c_str()) != 0)
    return {"", gnuplot + " failed (see " + dir + "/gnuplot.log)"};
  fs::remove(fs::path{dir} / "gnuplot.log");
  return {(fs::path{dir} / png).string(), ""};
}

} // namespace troupe
