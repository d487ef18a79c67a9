// Producer state across restarts (log/producer_snapshot.h, log/txn_index.h):
// snapshots at roll and clean close, a crash (no close) rebuilt from the log,
// corrupt or missing snapshots and .txnindex files rebuilt by scanning, and
// the state following the log start (retention, DeleteRecords) and truncation.
#include <gtest/gtest.h>

#include <filesystem>

#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/producer_snapshot.h"
#include "log/txn_index.h"
#include "tests/log/crash_support.h"
#include "tests/log/producer_batches.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_files.h"
#include "tests/support/log_helpers.h"
#include "tests/support/power_cut_backend.h"
#include "tests/support/sim_disk/sim_disk.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

using producer_test::data_batch;
using producer_test::marker_batch;

class producer_recovery_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = io::make_posix_backend();
    cfg_.clock = clock_.fn();
  }
  std::unique_ptr<partition_log> open(bool clean = true) {
    partition_log::open_options o;
    o.clean_shutdown = clean;
    auto l = partition_log::open(*io_, path_, cfg_, o);
    EXPECT_TRUE(l) << l.error().message();
    return l ? std::move(*l) : nullptr;
  }
  producer_test::answer send(partition_log& log, const std::vector<std::byte>& b) {
    bufs_.push_back(b);
    return producer_test::append(log, *io_, bufs_.back());
  }
  std::vector<offset> snapshots() const { return *list_producer_snapshots(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  test::temp_dir dir_;
  std::string path_ = dir_ / "t-0";
  test::fake_clock clock_;
  log_config cfg_;
  std::unique_ptr<io::io_backend> io_;
  std::deque<std::vector<std::byte>> bufs_;
};

TEST(producer_snapshot, round_trips_and_refuses_any_flipped_byte) {
  producer_entry a;
  a.producer_id = 42;
  a.epoch = 3;
  a.coordinator_epoch = 7;
  a.last_timestamp = 1234;
  a.current_txn_first_offset = offset{90};
  a.last_offset = offset{99};
  for (int i = 0; i < 5; ++i) {
    a.batches.push_back({i * 10, i * 10 + 9, offset{i * 10}, offset{i * 10 + 9}, 1000 + i});
  }
  producer_entry b;
  b.producer_id = 43;
  b.epoch = 0;
  std::vector<producer_entry> in{a, b};
  auto bytes = encode_producer_snapshot(offset{100}, in);
  auto out = decode_producer_snapshot(bytes, offset{100});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, in);
  EXPECT_FALSE(decode_producer_snapshot(bytes, offset{101})) << "not the offset of its name";
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= std::byte{0x01};
    EXPECT_FALSE(decode_producer_snapshot(bad, offset{100})) << "byte " << i;
  }
  bytes.pop_back();
  EXPECT_FALSE(decode_producer_snapshot(bytes, offset{100}));
}

TEST(txn_index_format, round_trips_and_refuses_any_flipped_byte) {
  txn_index_file f{offset{500},
                   {{1, offset{2}, offset{9}, offset{5}}, {3, offset{4}, offset{20}, offset{21}}}};
  auto bytes = encode_txn_index(f);
  auto out = decode_txn_index(bytes);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->covered_end, offset{500});
  EXPECT_EQ(out->entries, f.entries);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= std::byte{0x80};
    EXPECT_FALSE(decode_txn_index(bad)) << "byte " << i;
  }
}

TEST_F(producer_recovery_test, a_clean_restart_keeps_duplicates_transactions_and_aborts) {
  std::vector<std::byte> last;
  {
    auto log = open();
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(send(*log, data_batch(1, 0, i, 1)).error);
    ASSERT_FALSE(send(*log, data_batch(2, 0, 0, 2, true)).error);  // 4-5
    ASSERT_FALSE(send(*log, marker_batch(2, 0, false)).error);     // 6 abort
    ASSERT_FALSE(send(*log, data_batch(3, 0, 0, 1, true)).error);  // 7 ongoing
    last = data_batch(1, 0, 4, 1);
    ASSERT_FALSE(send(*log, last).error);  // 8
    ASSERT_FALSE(log->close());
  }
  EXPECT_EQ(snapshots(), (std::vector<offset>{offset{9}}));
  auto log = open();
  auto dup = send(*log, last);
  EXPECT_TRUE(dup.info.duplicate);
  EXPECT_EQ(dup.info.base_offset, offset{8});
  EXPECT_EQ(log->log_end_offset(), offset{9});
  EXPECT_EQ(log->last_stable_offset(), offset{7}) << "producer 3's transaction is still open";
  auto aborted = log->aborted_transactions(offset{0}, offset{9});
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0], (aborted_txn{2, offset{4}, offset{6}, offset{7}}));
  EXPECT_EQ(send(*log, data_batch(1, 0, 6, 1)).error, errc::out_of_order_sequence);
}

TEST_F(producer_recovery_test,
       after_a_crash_the_log_rebuilds_the_state_and_a_retry_is_a_duplicate) {
  cfg_.segment_bytes = 300;  // a few batches per segment: rolls take snapshots
  std::vector<std::vector<std::byte>> sent;
  std::vector<offset> bases;
  {
    auto log = open();
    for (int i = 0; i < 20; ++i) {
      sent.push_back(data_batch(5, 1, i, 1));
      auto a = send(*log, sent.back());
      ASSERT_FALSE(a.error);
      bases.push_back(a.info.base_offset);
    }
    ASSERT_FALSE(send(*log, data_batch(6, 0, 0, 1, true)).error);  // ongoing at the crash
    EXPECT_GT(log->segment_count(), 3u);
  }  // destroyed without close: a kill -9
  EXPECT_LE(snapshots().size(), 2u) << "only the last two snapshots are kept";
  auto log = open(/*clean=*/false);
  for (int i = 15; i < 20; ++i) {
    auto d = send(*log, sent[static_cast<size_t>(i)]);
    EXPECT_TRUE(d.info.duplicate) << i;
    EXPECT_EQ(d.info.base_offset, bases[static_cast<size_t>(i)]) << i;
  }
  EXPECT_EQ(log->log_end_offset(), offset{21});
  EXPECT_EQ(log->last_stable_offset(), offset{20});
  EXPECT_EQ(send(*log, sent[14]).error, errc::out_of_order_sequence);
}

TEST_F(producer_recovery_test, a_corrupt_snapshot_falls_back_to_an_older_one_or_a_scan) {
  cfg_.segment_bytes = 300;
  std::vector<std::vector<std::byte>> sent;
  {
    auto log = open();
    for (int i = 0; i < 12; ++i) {
      sent.push_back(data_batch(8, 0, i, 1));
      ASSERT_FALSE(send(*log, sent.back()).error);
    }
    ASSERT_FALSE(log->close());
  }
  auto snaps = snapshots();
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_EQ(snaps.back(), offset{12});
  // Damage both: the newest one by a flipped byte, the older one by a cut.
  test::flip_bit(file(file_names::snapshot_file(snaps[1])), 30, 3);
  test::resize_file(file(file_names::snapshot_file(snaps[0])), 15);
  auto log = open();
  EXPECT_TRUE(snapshots().empty()) << "corrupt snapshots are deleted";
  for (int i = 7; i < 12; ++i) {
    EXPECT_TRUE(send(*log, sent[static_cast<size_t>(i)]).info.duplicate) << i;
  }
  EXPECT_EQ(log->log_end_offset(), offset{12});
  EXPECT_FALSE(send(*log, data_batch(8, 0, 12, 1)).error);
}

TEST_F(producer_recovery_test, the_txnindex_survives_rolls_and_restarts_and_is_rebuilt_when_bad) {
  cfg_.segment_bytes = 300;
  aborted_txn expected;
  offset marker_segment;
  {
    auto log = open();
    ASSERT_FALSE(send(*log, data_batch(30, 0, 0, 1, true)).error);  // begins at 0
    for (int i = 0; i < 6; ++i) ASSERT_FALSE(send(*log, data_batch(31, 0, i, 1)).error);
    auto m = send(*log, marker_batch(30, 0, false));  // a few segments later
    ASSERT_FALSE(m.error);
    expected = aborted_txn{30, offset{0}, m.info.base_offset, m.info.base_offset + 1};
    for (int i = 6; i < 14; ++i) ASSERT_FALSE(send(*log, data_batch(31, 0, i, 1)).error);
    ASSERT_GT(log->segment_count(), 4u);
    auto got = log->aborted_transactions(offset{0}, offset{100});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], expected);
    ASSERT_FALSE(log->close());
  }
  for (auto base : test::segment_bases(path_)) {
    if (base <= expected.last_offset) marker_segment = base;
  }
  ASSERT_GT(marker_segment, offset{0}) << "the transaction spans segments";
  const std::string idx = file(file_names::txn_index_file(marker_segment));
  ASSERT_TRUE(test::file_exists(idx));
  {
    auto log = open();
    EXPECT_EQ(log->aborted_transactions(offset{0}, offset{100}),
              (std::vector<aborted_txn>{expected}));
    // A read from inside the transaction still learns of it; one after the
    // marker does not.
    EXPECT_EQ(log->aborted_transactions(offset{2}, offset{3}).size(), 1u);
    EXPECT_TRUE(log->aborted_transactions(expected.last_offset + 1, offset{100}).empty());
    ASSERT_FALSE(log->close());
  }
  // A flipped byte, then a missing file: rebuilt by scanning from the log
  // start (the transaction began in an earlier segment), and written back.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    if (round == 0) {
      test::flip_bit(idx, 25, 0);
    } else {
      std::filesystem::remove(idx);
    }
    auto log = open();
    EXPECT_EQ(log->aborted_transactions(offset{0}, offset{100}),
              (std::vector<aborted_txn>{expected}));
    auto f = read_txn_index(path_, marker_segment);
    ASSERT_TRUE(f) << "rebuilt and written again";
    EXPECT_EQ(f->entries, (std::vector<aborted_txn>{expected}));
    ASSERT_FALSE(log->close());
  }
  // After a crash the active segment's list comes from the scan.
  {
    auto log = open();
    ASSERT_FALSE(send(*log, data_batch(40, 0, 0, 1, true)).error);
    auto m = send(*log, marker_batch(40, 0, false));
    ASSERT_FALSE(m.error);
  }
  auto log = open(/*clean=*/false);
  EXPECT_EQ(log->aborted_transactions(offset{0}, offset{1000}).size(), 2u);
}

TEST_F(producer_recovery_test, a_log_start_past_a_producer_forgets_it) {
  cfg_.segment_bytes = 300;
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(50, 0, 0, 1)).error);
  ASSERT_FALSE(send(*log, data_batch(50, 0, 1, 1)).error);
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(send(*log, data_batch(51, 0, i, 1)).error);
  ASSERT_EQ(log->active_producers().size(), 2u);
  ASSERT_FALSE(log->delete_records_before(offset{2}));
  auto p = log->active_producers();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].producer_id, 51);
  // Unknown now (G6): any sequence is accepted.
  EXPECT_FALSE(send(*log, data_batch(50, 0, 40, 1)).error);
  for (offset at : snapshots()) EXPECT_GE(at, log->log_start_offset());
  // Retention by size deleting the old segments forgets them the same way.
  cfg_.retention_bytes = 1;
  log->update_config(cfg_);
  EXPECT_GT(log->enforce_retention(*clock_.now), 0u);
  for (offset at : snapshots()) EXPECT_GE(at, log->log_start_offset());
  for (const auto& pi : log->active_producers()) {
    EXPECT_NE(pi.producer_id, 51) << "producer 51's batches all lie below the log start";
  }
}

TEST_F(producer_recovery_test, truncation_rebuilds_the_state_from_what_is_left) {
  cfg_.segment_bytes = 300;
  auto log = open();
  std::vector<std::vector<std::byte>> sent;
  std::vector<offset> bases;
  for (int i = 0; i < 10; ++i) {
    sent.push_back(data_batch(60, 0, i, 1));
    auto a = send(*log, sent.back());
    ASSERT_FALSE(a.error);
    bases.push_back(a.info.base_offset);
  }
  ASSERT_FALSE(send(*log, data_batch(61, 0, 0, 1, true)).error);
  ASSERT_FALSE(send(*log, marker_batch(61, 0, false)).error);
  ASSERT_EQ(log->aborted_transactions(offset{0}, offset{100}).size(), 1u);
  ASSERT_FALSE(log->truncate_to(bases[6]));
  EXPECT_TRUE(log->aborted_transactions(offset{0}, offset{100}).empty());
  EXPECT_EQ(log->active_producers().size(), 1u);
  EXPECT_EQ(log->active_producers()[0].last_sequence, 5);
  // Batch 6 is gone: sending it again appends it (not a duplicate).
  auto again = send(*log, sent[6]);
  ASSERT_FALSE(again.error);
  EXPECT_FALSE(again.info.duplicate);
  EXPECT_EQ(again.info.base_offset, bases[6]);
  EXPECT_TRUE(send(*log, sent[5]).info.duplicate);
  for (offset at : snapshots()) EXPECT_LE(at, log->log_end_offset());
}

// G5 under power loss: the disk keeps only synced bytes plus a random part of
// the rest (roll snapshots are not synced: torn ones must be detected), the
// partition recovers uncleanly, and every acknowledged batch of the last 5 is
// still a duplicate answered with its original offsets.
TEST(producer_crash, acknowledged_batches_stay_duplicates_after_power_loss) {
  for (uint64_t seed : crash_support::seeds(20)) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    test::temp_dir root{test::fast_temp_parent()};
    test::sim_disk disk(crash_support::root_with_log_dirs(root), seed);
    crash_support::workload_rng rng(seed);
    test::fake_clock clock;  // the batches' timestamps: their producer is not idle
    log_config cfg;
    cfg.clock = clock.fn();
    cfg.segment_bytes = 200 + rng.below(400);
    const std::string dir = root / "data/t-0";
    const int acked = 3 + static_cast<int>(rng.below(25));
    std::vector<std::vector<std::byte>> sent;
    std::vector<offset> bases;
    int32_t next_seq = 0;
    {
      test::power_cut_backend gate(disk);
      auto log = partition_log::open(gate, dir, cfg, {});
      ASSERT_TRUE(log);
      ASSERT_FALSE(gate.sync_dir(root / "data"));  // as log_manager::create does
      int32_t seq = 0;
      for (int i = 0; i < acked; ++i) {
        const int records = 1 + static_cast<int>(rng.below(3));
        sent.push_back(data_batch(77, 2, seq, records));
        seq += records;
        auto copy = sent.back();
        auto a = producer_test::append(**log, gate, copy);
        ASSERT_FALSE(a.error) << a.error.message() << " at " << i;
        ASSERT_EQ(a.done_calls, 1);
        ASSERT_FALSE(a.done_error);
        bases.push_back(a.info.base_offset);
      }
      // One more that the crash may or may not keep.
      next_seq = seq;
      auto last = data_batch(77, 2, seq, 1);
      std::vector<std::byte> in_flight = last;
      ASSERT_TRUE((*log)->append(in_flight, ack_level::flushed, [](std::error_code) {}));
      gate.cut();
    }
    ASSERT_FALSE(disk.crash());
    partition_log::open_options o;
    o.clean_shutdown = false;
    auto log = partition_log::open(disk, dir, cfg, o);
    ASSERT_TRUE(log) << log.error().message();
    const offset end = (*log)->log_end_offset();
    for (int i = std::max(0, acked - 5); i < acked; ++i) {
      auto copy = sent[static_cast<size_t>(i)];
      auto d = producer_test::append(**log, disk, copy);
      ASSERT_FALSE(d.error) << i;
      EXPECT_TRUE(d.info.duplicate) << i;
      EXPECT_EQ(d.info.base_offset, bases[static_cast<size_t>(i)]) << i;
      EXPECT_EQ(d.done_calls, 1) << i;
    }
    EXPECT_EQ((*log)->log_end_offset(), end) << "no retry was written again";
    // The next sequence is the one after whatever survived.
    const bool kept_in_flight = end > bases.back() + record_batch_view(sent.back()).record_count();
    auto next = data_batch(77, 2, kept_in_flight ? next_seq + 1 : next_seq, 1);
    EXPECT_FALSE(producer_test::append(**log, disk, next).error);
  }
}

}  // namespace
}  // namespace sluice::log
