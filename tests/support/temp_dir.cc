#include "tests/support/temp_dir.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace sluice::test {

temp_dir::temp_dir() : temp_dir("/tmp") {}

temp_dir::temp_dir(const std::string& parent) {
  std::string tmpl = parent + "/sluice-test-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed in " + parent);
  path_ = tmpl;
}

std::string fast_temp_parent() {
  if (const char* dir = std::getenv("SLUICE_TEST_TMPDIR")) return dir;
  return ::access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sluice::test
