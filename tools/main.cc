// sluice: the command-line tool. Everything lives in sluice_tools_core.
#include "tools/commands/run.h"

int main(int argc, char** argv) { return sluice::tools::run_cli(argc, argv); }
