// Compaction of a partition with transactions (log/cleaner.h): data of an
// aborted transaction is removed and supersedes nothing, data of a committed
// one is compacted like any other, the markers stay, offsets never change.
// In broker_tests because the markers are the transaction coordinator's
// (broker/txn/markers.h).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "base/varint.h"
#include "log/cleaner.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/broker/handlers/txn_batches.h"
#include "tests/support/batch_builder.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::broker {
namespace {

struct stored {
  std::string key;
  std::string value;
  bool control = false;
  bool operator==(const stored&) const = default;
};

// Offset -> what the partition holds there, read back from its files.
std::map<int64_t, stored> read_back(log::partition_log& p) {
  std::map<int64_t, stored> out;
  auto r = p.read(p.log_start_offset(), uint64_t{1} << 30);
  EXPECT_TRUE(r);
  if (!r) return out;
  auto bytes = sluice::test::read_slices(r->slices);
  log::batch_iterator it(bytes);
  log::record_batch_view v(bytes);
  std::vector<std::byte> scratch;
  std::vector<log::record_entry> records;
  while (it.next(v)) {
    EXPECT_FALSE(log::validate_batch(v.bytes())) << "batch at " << v.base_offset().value;
    if (v.is_control()) {
      out[v.base_offset().value] = {"", "", true};
      continue;
    }
    EXPECT_TRUE(log::read_records(v, log::batch_codec{}, scratch, records));
    for (const auto& e : records) {
      auto rest = e.tail;
      const int32_t klen = base::read_varint(rest).value();
      rest = rest.subspan(static_cast<size_t>(klen));
      const int32_t vlen = base::read_varint(rest).value();
      out[e.off.value] = {
          std::string(reinterpret_cast<const char*>(e.key.data()), e.key.size()),
          std::string(reinterpret_cast<const char*>(rest.data()), static_cast<size_t>(vlen))};
    }
  }
  return out;
}

std::vector<std::byte> keyed(std::vector<sluice::test::test_record> records, int64_t pid = -1,
                             int32_t sequence = -1) {
  auto b = sluice::test::build_batch(records);
  if (pid >= 0) log::set_producer_fields(b, 0x10, pid, 0, sequence);  // transactional
  return b;
}

TEST(log_cleaner_txn, aborted_data_goes_committed_data_is_compacted_markers_stay) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  sluice::test::fake_clock clock;
  log::log_config cfg;
  cfg.clock = clock.fn();
  cfg.cleanup_compact = true;
  cfg.cleanup_delete = false;
  cfg.segment_bytes = 512;
  auto opened = log::partition_log::open(*io, dir.path() + "/t-0", cfg, {});
  ASSERT_TRUE(opened);
  log::partition_log& p = **opened;
  test::txn_writer w(p, *io);
  const int64_t ts = *clock.now;
  ASSERT_EQ(w.append(keyed({{"k1", "a0", ts}, {"k2", "b0", ts}})), 0);
  ASSERT_EQ(w.append(keyed({{"k1", "a1-aborted", ts}}, 7, 0)), 2);
  ASSERT_EQ(w.end_txn(7, /*commit=*/false), 3);
  ASSERT_EQ(w.append(keyed({{"k2", "b1-committed", ts}}, 7, 1)), 4);
  ASSERT_EQ(w.end_txn(7, /*commit=*/true), 5);
  // Producer 7's last batch (its sequence state) stays whole whatever it
  // holds: a later batch of another producer makes the ones above ordinary.
  ASSERT_EQ(w.append(keyed({{"k3", "c0", ts}}, 8, 0)), 6);
  ASSERT_EQ(w.end_txn(8, true), 7);
  ASSERT_EQ(w.append(keyed({{"k1", "a2-aborted", ts}}, 7, 2)), 8);
  ASSERT_EQ(w.end_txn(7, false), 9);
  for (int i = 0; i < 40; ++i) {  // rolls segments so that all of the above is cleanable
    w.append(keyed({{"pad", "p" + std::to_string(i) + std::string(60, '.'), ts}}));
  }
  const auto before = read_back(p);
  ASSERT_EQ(before.at(2).value, "a1-aborted");
  ASSERT_EQ(before.at(1).value, "b0");

  int slices = 0;
  while (p.clean_step(log::clean_options{}, *clock.now, 4096) && slices < 1000) ++slices;
  const auto after = read_back(p);
  EXPECT_EQ(after.count(2), 0u) << "aborted data stays visible";
  EXPECT_EQ(after.at(0), (stored{"k1", "a0"})) << "aborted data superseded a committed value";
  EXPECT_EQ(after.count(1), 0u) << "a committed transaction's value did not supersede b0";
  EXPECT_EQ(after.at(4), (stored{"k2", "b1-committed"}));
  EXPECT_EQ(after.at(6), (stored{"k3", "c0"}));
  EXPECT_EQ(after.at(8).value, "a2-aborted");  // producer 7's last batch: kept whole
  for (int64_t m : {3, 5, 7, 9}) EXPECT_TRUE(after.at(m).control) << "marker at " << m;
  // Every offset that survived holds what it held before.
  for (const auto& [o, s] : after) EXPECT_EQ(before.at(o), s) << "offset " << o;
  // read_committed still sees the aborted range (its index is unchanged).
  const auto aborted = p.aborted_transactions(log::offset{0}, log::offset{10});
  EXPECT_EQ(aborted.size(), 2u);
}

}  // namespace
}  // namespace sluice::broker
