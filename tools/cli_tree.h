#pragma once
// The `sluice` command tree (CLI11): every command, flag and its --help text.
// Parsing fills a cli_options and names the chosen command; it runs nothing,
// so the tree is unit tested without a broker.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tools/options.h"

namespace sluice::tools {

// The app, bound to `out`. `out` must outlive the app.
std::unique_ptr<CLI::App> build_cli(cli_options& out);

// What parse_args decided: run out.command, or exit with `exit_code` after
// printing `text` (help goes to stdout, an error line to stderr).
struct parse_outcome {
  bool run = false;
  int exit_code = 0;
  std::string text;  // help text, or the one-line error (no "sluice: error: ")
  bool is_error = false;
};

parse_outcome parse_args(cli_options& out, const std::vector<std::string>& args);

}  // namespace sluice::tools
