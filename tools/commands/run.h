#pragma once
// Parses argv, runs the chosen command, and turns its outcome into an exit
// status: 0 on success, 1 with "sluice: error: <reason>" on stderr when the
// command fails, 2 for a usage error.

namespace sluice::tools {

int run_cli(int argc, char** argv);

}  // namespace sluice::tools
