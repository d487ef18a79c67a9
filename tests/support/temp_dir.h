#pragma once
// A fresh directory under /tmp (or under `parent`) for one test, removed with
// everything in it when the object goes away.

#include <string>

namespace sluice::test {

class temp_dir {
 public:
  temp_dir();
  explicit temp_dir(const std::string& parent);
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// /dev/shm when it is a usable directory, else /tmp: for tests that create and
// delete thousands of files (seeded crash runs), where a disk-backed /tmp makes
// each unlink or ftruncate cost a millisecond. SLUICE_TEST_TMPDIR overrides it.
std::string fast_temp_parent();

}  // namespace sluice::test
