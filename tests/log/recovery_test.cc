// Recovery of the .log data after a crash (RELIABILITY.md B1-B5): torn tails,
// garbage and zero tails, bit flips in and outside the CRC, damage in a middle
// segment, and damage below the recovery point. A partition "crashes" by being
// destroyed without close(); every case starts again from a pristine copy of
// the crashed directory and reopens it as partition_log::open would at start.
// Index, checkpoint and clean-marker recovery are in recovery_index_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "log/file_names.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/log_files.h"
#include "tests/support/recovery_fixture.h"

namespace sluice::log {
namespace {

using test::disk_batch;

// ~45 batches: 3 full segments and a last one with several batches.
constexpr int workload_batches = 50;

class recovery_test : public test::recovery_fixture {
 protected:
  // Writes the workload to dir("live") and crashes. Keeps a copy in
  // dir("pristine") and what lies on disk in all_; returns the recovery point
  // the partition had at the crash (a checkpoint written then would hold it).
  offset crash_with_workload() {
    offset recovery_point;
    {
      auto log = write_workload(dir("live"), workload_batches);
      if (!log) return offset{0};
      recovery_point = log->recovery_point();
    }
    pristine_ = dir("pristine");
    test::copy_dir(dir("live"), pristine_);
    all_ = test::read_batches(pristine_);
    bases_ = test::segment_bases(pristine_);
    return recovery_point;
  }

  // A fresh working copy of the pristine directory, damaged by `damage`.
  template <class Damage>
  std::string damaged_copy(Damage damage) {
    std::string work = dir("work");
    test::copy_dir(pristine_, work);
    damage(work);
    return work;
  }

  // The batches of all_ that lie in segment `base`.
  std::vector<size_t> batches_in(offset base) const {
    std::vector<size_t> out;
    for (size_t i = 0; i < all_.size(); ++i) {
      if (all_[i].segment_base == base) out.push_back(i);
    }
    return out;
  }

  std::vector<disk_batch> first_batches(size_t n) const {
    return {all_.begin(), all_.begin() + static_cast<std::ptrdiff_t>(n)};
  }

  // After recovery: a new append gets the next offset and is read back.
  void expect_append_continues(partition_log& log, offset expected) {
    auto b = workload_batch(1000);
    EXPECT_EQ(test::append_and_wait(log, *io_, b), expected);
    EXPECT_EQ(log.log_end_offset(), expected + record_batch_view(b).record_count());
    auto r = log.read(expected, 1 << 20);
    ASSERT_TRUE(r);
    EXPECT_TRUE(test::read_slices(r->slices) == b);
  }

  std::string pristine_;
  std::vector<disk_batch> all_;
  std::vector<offset> bases_;
};

// B1. Every cut inside the last three batches (and the uncut file) recovers to
// exactly the batches that are whole before the cut. Even cuts reopen with
// the recovery point of the crash (only the last segment is scanned), odd
// ones with recovery point 0 (every segment is).
TEST_F(recovery_test, torn_tail_at_every_byte_of_the_last_three_batches_keeps_the_whole_batches) {
  offset crash_recovery_point = crash_with_workload();
  ASSERT_GE(bases_.size(), 3u);
  offset last = bases_.back();
  ASSERT_GE(batches_in(last).size(), 4u) << "the last three batches must share the last segment";
  size_t first_torn = all_.size() - 3;
  uint64_t from = all_[first_torn].position.value;
  uint64_t to = test::file_size(test::log_path(pristine_, last));

  std::map<size_t, std::string> references;  // whole batches -> a fresh rebuild of them
  for (uint64_t cut = from; cut <= to; ++cut) {
    SCOPED_TRACE("cut at byte " + std::to_string(cut));
    size_t whole = first_torn;
    while (whole < all_.size() && all_[whole].end() <= cut) ++whole;
    std::vector<disk_batch> expected = first_batches(whole);
    uint64_t valid_end = expected.back().end();
    std::string& reference = references[whole];
    if (reference.empty()) {
      std::string cut_clean = damaged_copy(
          [&](const std::string& d) { test::resize_file(test::log_path(d, last), valid_end); });
      reference = fresh_rebuild(cut_clean, "reference-" + std::to_string(whole));
    }

    std::string work = damaged_copy(
        [&](const std::string& d) { test::resize_file(test::log_path(d, last), cut); });
    auto log = open(work, false, cut % 2 == 0 ? crash_recovery_point : offset{0});
    ASSERT_TRUE(log);
    EXPECT_EQ(test::file_size(test::log_path(work, last)), valid_end);
    expect_log_holds(*log, work, expected);
    expect_same_indexes(work, reference);
    expect_append_continues(*log, expected.back().next_offset());
    if (HasFailure()) break;
  }
}

// B2. Random bytes or zeros (preallocation) after the last batch are no batch:
// truncated away, nothing valid lost.
TEST_F(recovery_test, garbage_and_zero_tails_are_truncated_and_nothing_valid_is_lost) {
  offset crash_recovery_point = crash_with_workload();
  offset last = bases_.back();
  uint64_t size = test::file_size(test::log_path(pristine_, last));
  const size_t lengths[] = {1, 8, 11, 12, 60, 61, 62, 100, 4096, 65536, 1 << 20};
  for (uint64_t seed : {1, 2, 3}) {
    for (size_t length : lengths) {
      SCOPED_TRACE("garbage seed " + std::to_string(seed) + ", " + std::to_string(length) + " B");
      std::string work = damaged_copy([&](const std::string& d) {
        test::append_to_file(test::log_path(d, last), test::random_bytes(length, seed));
      });
      auto log = open(work, false, crash_recovery_point);
      ASSERT_TRUE(log);
      EXPECT_EQ(test::file_size(test::log_path(work, last)), size);
      expect_log_holds(*log, work, all_);
      expect_append_continues(*log, all_.back().next_offset());
      if (HasFailure()) return;
    }
  }
  for (size_t length : lengths) {
    SCOPED_TRACE("zeros, " + std::to_string(length) + " B");
    std::string work = damaged_copy(
        [&](const std::string& d) { test::resize_file(test::log_path(d, last), size + length); });
    auto log = open(work, false, crash_recovery_point);
    ASSERT_TRUE(log);
    EXPECT_EQ(test::file_size(test::log_path(work, last)), size);
    expect_log_holds(*log, work, all_);
    if (HasFailure()) return;
  }
}

// A header that promises more than the file holds (the start of a batch whose
// write was cut short) is a torn tail as well.
TEST_F(recovery_test, a_tail_header_that_promises_more_bytes_than_the_file_holds_is_truncated) {
  offset crash_recovery_point = crash_with_workload();
  offset last = bases_.back();
  uint64_t size = test::file_size(test::log_path(pristine_, last));
  std::vector<std::byte> next = workload_batch(workload_batches);
  set_base_offset(next, all_.back().next_offset());
  for (size_t keep : {batch_length_field_end, batch_header_size, next.size() - 1}) {
    SCOPED_TRACE("first " + std::to_string(keep) + " bytes of the next batch");
    std::string work = damaged_copy([&](const std::string& d) {
      test::append_to_file(test::log_path(d, last), std::span(next).first(keep));
    });
    auto log = open(work, false, crash_recovery_point);
    ASSERT_TRUE(log);
    EXPECT_EQ(test::file_size(test::log_path(work, last)), size);
    expect_log_holds(*log, work, all_);
  }
}

// B3/B4. One flipped bit in the last batch: anywhere the CRC covers, and in
// baseOffset, batchLength, magic and crc (all 8 bits of each of those bytes),
// truncates at the start of that batch. partitionLeaderEpoch is covered by
// neither the CRC nor a structural check: a flip there is kept as written.
TEST_F(recovery_test, bit_flips_in_the_last_batch_truncate_at_it_except_in_the_leader_epoch) {
  offset crash_recovery_point = crash_with_workload();
  const disk_batch& victim = all_.back();
  std::vector<disk_batch> before = first_batches(all_.size() - 1);
  for (uint64_t i = 0; i < victim.bytes.size(); ++i) {
    bool header_field = i < batch_crc_start;  // baseOffset .. crc
    for (int bit = 0; bit < 8; ++bit) {
      if (!header_field && bit != static_cast<int>(i % 8)) continue;
      SCOPED_TRACE("byte " + std::to_string(i) + " bit " + std::to_string(bit));
      std::string work = damaged_copy([&](const std::string& d) {
        test::flip_bit(test::log_path(d, victim.segment_base), victim.position.value + i, bit);
      });
      auto log = open(work, false, crash_recovery_point);
      ASSERT_TRUE(log);
      bool leader_epoch = i >= 12 && i < 16;
      if (leader_epoch) {
        std::vector<disk_batch> kept = all_;
        kept.back().bytes[i] ^= static_cast<std::byte>(1 << bit);
        expect_log_holds(*log, work, kept);
      } else {
        EXPECT_EQ(test::file_size(test::log_path(work, victim.segment_base)),
                  victim.position.value);
        expect_log_holds(*log, work, before);
      }
      if (HasFailure()) return;
    }
  }
}

// B3/B4 in a batch in the middle of the last segment: recovery truncates at
// that batch and drops every batch after it.
TEST_F(recovery_test, bit_flips_in_a_middle_batch_drop_it_and_everything_after_it) {
  offset crash_recovery_point = crash_with_workload();
  std::vector<size_t> in_last = batches_in(bases_.back());
  ASSERT_GE(in_last.size(), 3u);
  size_t v = in_last[in_last.size() / 2];
  const disk_batch& victim = all_[v];
  for (uint64_t i = 0; i < victim.bytes.size(); ++i) {
    if (i >= batch_header_size && i % 3 != 0) continue;  // the header, then a sample
    int bit = static_cast<int>((i * 5) % 8);
    SCOPED_TRACE("byte " + std::to_string(i) + " bit " + std::to_string(bit));
    std::string work = damaged_copy([&](const std::string& d) {
      test::flip_bit(test::log_path(d, victim.segment_base), victim.position.value + i, bit);
    });
    auto log = open(work, false, i % 2 == 0 ? crash_recovery_point : offset{0});
    ASSERT_TRUE(log);
    if (i >= 12 && i < 16) {
      std::vector<disk_batch> kept = all_;
      kept[v].bytes[i] ^= static_cast<std::byte>(1 << bit);
      expect_log_holds(*log, work, kept);
    } else {
      EXPECT_EQ(test::file_size(test::log_path(work, victim.segment_base)), victim.position.value);
      expect_log_holds(*log, work, first_batches(v));
      expect_append_continues(*log, victim.base_offset);
    }
    if (HasFailure()) return;
  }
}

// Damage in a middle segment after an unclean stop with no recovery point
// (e.g. its unsynced tail was lost): the log is cut at the bad batch, every
// later segment is deleted with its indexes, offsets stay contiguous and new
// appends continue from the cut. A second crash and recovery changes nothing.
TEST_F(recovery_test, damage_in_a_middle_segment_drops_the_bad_batch_and_all_later_segments) {
  crash_with_workload();
  ASSERT_GE(bases_.size(), 4u);
  offset middle = bases_[1];
  std::vector<size_t> in_middle = batches_in(middle);
  size_t v = in_middle[in_middle.size() / 2];
  const disk_batch& victim = all_[v];
  struct damage {
    std::string name;
    std::function<void(const std::string&)> apply;
    size_t kept;  // batches of all_ that survive
  };
  const damage damages[] = {
      {"bit flip",
       [&](const std::string& d) {
         test::flip_bit(test::log_path(d, middle), victim.position.value + batch_header_size + 3,
                        4);
       },
       v},
      {"torn batch",
       [&](const std::string& d) {
         test::resize_file(test::log_path(d, middle), victim.position.value + 30);
       },
       v},
      // Unsynced pages lost whole: the segment ends cleanly on a batch
      // boundary, short of the next segment's base offset.
      {"tail lost at a batch boundary",
       [&](const std::string& d) {
         test::resize_file(test::log_path(d, middle), victim.position.value);
       },
       v},
      {"every byte lost",
       [&](const std::string& d) { test::resize_file(test::log_path(d, middle), 0); },
       in_middle.front()},
  };
  for (const auto& [name, apply, kept] : damages) {
    SCOPED_TRACE(name);
    std::string work = damaged_copy(apply);
    {
      auto log = open(work, false, offset{0});
      ASSERT_TRUE(log);
      expect_log_holds(*log, work, first_batches(kept));
      expect_append_continues(*log, all_[kept].base_offset);
    }  // a second crash
    std::vector<std::string> files = test::list_dir(work);
    EXPECT_EQ(test::segment_bases(work), (std::vector<offset>{bases_[0], middle}));
    // Besides .log, .index and .timeindex of the two kept segments: the first
    // one's .txnindex and producer snapshots no later than the log end.
    for (const auto& f : files) {
      auto seg = file_names::parse_segment_file(f);
      auto snap = file_names::parse_snapshot_file(f);
      EXPECT_TRUE(seg || snap) << f << ": later segments leave no .deleted file";
      if (seg) {
        EXPECT_TRUE(seg->base_offset == bases_[0] || seg->base_offset == middle) << f;
        EXPECT_FALSE(seg->base_offset == middle &&
                     seg->kind == file_names::segment_file_kind::txn_index)
            << "the active segment's aborted list is kept in memory until it is sealed";
      }
    }
    std::vector<disk_batch> now = test::read_batches(work);
    auto log = open(work, false, offset{0});
    ASSERT_TRUE(log);
    expect_log_holds(*log, work, now);
    if (HasFailure()) return;
  }
}

// B5, as Kafka does: a segment that ends at or below the recovery point was
// fdatasynced before the crash and is not scanned, so damage in it stays in
// place (sluice verify, or the client's CRC check, finds it); the later
// segments are kept.
TEST_F(recovery_test, damage_below_the_recovery_point_is_not_scanned_after_an_unclean_stop) {
  offset crash_recovery_point = crash_with_workload();
  ASSERT_GE(bases_.size(), 3u);
  std::vector<size_t> in_first = batches_in(bases_[0]);
  size_t v = in_first[in_first.size() / 2];
  uint64_t at = all_[v].position.value + batch_header_size + 2;
  std::string work = damaged_copy(
      [&](const std::string& d) { test::flip_bit(test::log_path(d, bases_[0]), at, 0); });
  auto log = open(work, false, crash_recovery_point);
  ASSERT_TRUE(log);
  std::vector<disk_batch> kept = all_;
  kept[v].bytes[batch_header_size + 2] ^= std::byte{1};
  expect_log_holds(*log, work, kept);
  EXPECT_EQ(validate_batch(kept[v].bytes), errc::corrupt_batch);
}

// B5 after a clean shutdown: the segments are trusted (Kafka loads them
// without a scan). A flip in a batch the open does not read is served as
// written; one in the last batch of a sealed segment, which the open reads to
// find the segment's next offset, either is served as written or, when it
// breaks the segment's structure (a length or offset that does not fit),
// makes the open validate that segment and cut it at the bad batch. Either
// way the start succeeds, later segments and the log end offset are kept, and
// offsets never go backwards.
TEST_F(recovery_test, flips_in_sealed_segments_after_a_clean_shutdown_never_fail_the_start) {
  {
    auto log = write_workload(dir("live"), workload_batches);
    ASSERT_TRUE(log);
    ASSERT_FALSE(log->close());
  }
  pristine_ = dir("pristine");
  test::copy_dir(dir("live"), pristine_);
  all_ = test::read_batches(pristine_);
  bases_ = test::segment_bases(pristine_);
  std::vector<size_t> in_first = batches_in(bases_[0]);
  ASSERT_GE(in_first.size(), 4u);
  int trusted = 0;
  int cut = 0;
  for (size_t v : {in_first[1], in_first.back()}) {
    const disk_batch& victim = all_[v];
    for (uint64_t i = 0; i < victim.bytes.size(); ++i) {
      int bit = static_cast<int>((i * 3) % 8);
      SCOPED_TRACE("batch " + std::to_string(v) + " byte " + std::to_string(i));
      std::string work = damaged_copy([&](const std::string& d) {
        test::flip_bit(test::log_path(d, bases_[0]), victim.position.value + i, bit);
      });
      auto log = open(work, /*clean_shutdown=*/true, all_.back().next_offset());
      ASSERT_TRUE(log);
      std::vector<std::byte> on_disk = test::read_file(test::log_path(work, bases_[0]));
      std::vector<std::byte> written = test::read_file(test::log_path(pristine_, bases_[0]));
      written[victim.position.value + i] ^= static_cast<std::byte>(1 << bit);
      if (on_disk == written) {
        ++trusted;  // served as written
      } else {
        ++cut;  // the segment was validated and cut at the damaged batch
        EXPECT_EQ(v, in_first.back());
        written.resize(victim.position.value);
        EXPECT_TRUE(on_disk == written);
      }
      EXPECT_EQ(log->log_end_offset(), all_.back().next_offset());
      // The batches before the damaged one and every later segment read back
      // as written.
      auto head = log->read(offset{0}, 1ull << 30);
      ASSERT_TRUE(head);
      std::vector<std::byte> got = test::read_slices(head->slices);
      std::vector<std::byte> want;
      for (size_t k = 0; k < v; ++k)
        want.insert(want.end(), all_[k].bytes.begin(), all_[k].bytes.end());
      ASSERT_GE(got.size(), want.size());
      EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin()));
      auto tail = log->read(bases_[1], 1ull << 30);
      ASSERT_TRUE(tail);
      want.clear();
      for (size_t k = in_first.back() + 1; k < all_.size(); ++k) {
        want.insert(want.end(), all_[k].bytes.begin(), all_[k].bytes.end());
      }
      EXPECT_TRUE(test::read_slices(tail->slices) == want);
      expect_append_continues(*log, all_.back().next_offset());
      if (HasFailure()) return;
    }
  }
  RecordProperty("trusted", trusted);
  RecordProperty("cut", cut);
}

// A clean start that finds a sealed segment broken in the part it reads
// (here a baseOffset flip in the only batch of a one-batch segment) cuts that
// segment, even to nothing; reads, lookups and appends then go on across the
// empty segment to the later ones.
TEST_F(recovery_test, a_sealed_segment_cut_to_nothing_at_a_clean_start_leaves_later_ones_readable) {
  cfg_.segment_bytes = 1;  // one batch a segment
  {
    auto log = write_workload(dir("live"), 6);
    ASSERT_TRUE(log);
    ASSERT_FALSE(log->close());
  }
  pristine_ = dir("pristine");
  test::copy_dir(dir("live"), pristine_);
  all_ = test::read_batches(pristine_);
  bases_ = test::segment_bases(pristine_);
  ASSERT_EQ(bases_.size(), 6u);
  std::string work = damaged_copy(
      [&](const std::string& d) { test::flip_bit(test::log_path(d, bases_[2]), 7, 1); });
  auto log = open(work, /*clean_shutdown=*/true, all_.back().next_offset());
  ASSERT_TRUE(log);
  EXPECT_EQ(test::file_size(test::log_path(work, bases_[2])), 0u);
  std::vector<disk_batch> kept = all_;
  kept.erase(kept.begin() + 2);
  EXPECT_EQ(log->log_end_offset(), all_.back().next_offset());
  auto r = log->read(offset{0}, 1ull << 30);
  ASSERT_TRUE(r);
  std::vector<std::byte> want;
  for (const auto& b : kept) want.insert(want.end(), b.bytes.begin(), b.bytes.end());
  EXPECT_TRUE(test::read_slices(r->slices) == want);
  // A read inside the lost range starts at the next batch there is.
  auto gap = log->read(all_[2].base_offset, 1);
  ASSERT_TRUE(gap);
  ASSERT_EQ(gap->slices.size(), 1u);
  EXPECT_TRUE(test::read_slices(gap->slices) == all_[3].bytes);
  EXPECT_EQ(log->offset_for_timestamp(all_[2].max_timestamp), all_[3].base_offset);
  expect_append_continues(*log, all_.back().next_offset());
}

}  // namespace
}  // namespace sluice::log
