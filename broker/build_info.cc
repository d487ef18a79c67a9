#include "broker/build_info.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif
#ifndef SLUICE_GIT_DESCRIBE
#define SLUICE_GIT_DESCRIBE ""
#endif

namespace sluice::broker {

std::string_view build_version() { return SLUICE_VERSION; }
std::string_view build_revision() { return SLUICE_GIT_DESCRIBE; }

std::string build_version_string() {
  std::string v(build_version());
  if (!build_revision().empty()) v += " (git " + std::string(build_revision()) + ")";
  return v;
}

}  // namespace sluice::broker
