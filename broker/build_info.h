#pragma once
// What this binary was built from, for `--version`, the start-up log line
// and sluice_build_info. Set by broker/CMakeLists.txt at configure time, on
// build_info.cc alone, so a new commit rebuilds one file.

#include <string>
#include <string_view>

namespace sluice::broker {

// The project version ("0.1.0").
std::string_view build_version();
// `git describe --always` of the checkout, empty outside one.
std::string_view build_revision();
// "0.1.0 (git <revision>)", or the version alone.
std::string build_version_string();

}  // namespace sluice::broker
