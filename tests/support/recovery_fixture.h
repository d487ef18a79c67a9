#pragma once
// The fixture shared by the recovery tests (tests/log/recovery_test.cc,
// tests/log/recovery_index_test.cc): a small multi-segment workload written
// with acks=all, opening a partition as a restart would, and the check that a
// recovered log holds exactly a given list of batches: log end offset, bytes
// read back, where a read of each offset starts, and timestamp lookups. The
// expected answers are computed from the batch list itself, i.e. they are what
// a log with freshly rebuilt indexes must answer.

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_files.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
// Readable offsets in GoogleTest failure messages (found by argument lookup).
inline void PrintTo(const offset& o, std::ostream* os) { *os << "offset " << o.value; }
}  // namespace sluice::log

namespace sluice::test {

class recovery_fixture : public ::testing::Test {
 protected:
  recovery_fixture();

  // A directory under this test's temp dir.
  std::string dir(const std::string& name) const { return root_ / name; }

  // Opens a partition as a restart would. nullptr (and a test failure) if it fails.
  std::unique_ptr<log::partition_log> open(const std::string& dir, bool clean_shutdown,
                                           log::offset recovery_point);

  // The i-th batch of the workload: 1-3 records of 20-50 bytes. Timestamps
  // mostly rise, but every seventh batch carries one far ahead (a producer
  // with a skewed clock), so the largest timestamp of a segment is often not
  // its last batch's, and timestamp lookups depend on the time index.
  static std::vector<std::byte> workload_batch(int i);
  // Appends workload batches 0..count-1 to a new partition in `dir`, each
  // acknowledged with acks=all, and returns the open log: the caller closes it
  // (clean shutdown) or destroys it without close() (a crash).
  std::unique_ptr<log::partition_log> write_workload(const std::string& dir, int count);

  // Expects `log` to hold exactly `expected`, read from its log start offset:
  // its log end offset is the next offset of the last batch, a read of
  // everything returns the same bytes with contiguous offsets, a one-byte read
  // of every offset starts at its batch, and offset_for_timestamp answers as
  // the batch list says.
  void expect_log_holds(const log::partition_log& log, const std::string& dir,
                        const std::vector<disk_batch>& expected);

  // Copies `from` to dir(name), deletes every index file, and opens it once as
  // an unclean start with recovery point 0, which validates every segment and
  // rebuilds every index from the .log files. Returns the directory.
  std::string fresh_rebuild(const std::string& from, const std::string& name);
  // Expects the same segments in both directories, with byte-identical .index
  // and .timeindex files.
  void expect_same_indexes(const std::string& dir, const std::string& reference);

  // Every case copies, damages and reopens a directory, hundreds of times a
  // test: on tmpfs when there is one, so that fdatasync costs nothing. Recovery
  // does not depend on the file system beneath it.
  temp_dir root_{fast_temp_parent()};
  fake_clock clock_;
  log::log_config cfg_;
  std::unique_ptr<log::io::io_backend> io_;
};

}  // namespace sluice::test
