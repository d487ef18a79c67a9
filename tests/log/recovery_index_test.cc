// Recovery of everything around the .log data (RELIABILITY.md B6, B7, A4):
// damaged offset and time indexes, damaged checkpoints, leftover .tmp and
// .deleted files, and the clean-shutdown marker. The .log data itself is in
// recovery_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "base/big_endian.h"
#include "log/file_names.h"
#include "log/log_manager.h"
#include "log/offset_index.h"
#include "log/record_batch.h"
#include "log/time_index.h"
#include "tests/support/log_files.h"
#include "tests/support/recovery_fixture.h"

namespace sluice::log {
namespace {

using test::disk_batch;

// Where a one-byte read of an offset starts: segment file name and position.
struct read_start {
  std::string file;
  uint64_t position = 0;
  bool operator==(const read_start&) const = default;
};

std::optional<read_start> first_slice(const partition_log& log, offset o) {
  auto r = log.read(o, 1);
  if (!r || r->slices.empty()) return std::nullopt;
  const std::string& path = r->slices[0].file->path;
  return read_start{path.substr(path.rfind('/') + 1), r->slices[0].position.value};
}

// One way of damaging an index file: applied to the file at `path`, which
// holds entries of `entry_size` bytes for a .log of `log_size` bytes.
struct index_damage {
  std::string name;
  std::function<void(const std::string& path, size_t entry_size, uint64_t log_size)> apply;
};

std::vector<index_damage> damages_for_both_kinds() {
  return {
      {"deleted", [](const std::string& p, size_t, uint64_t) { std::remove(p.c_str()); }},
      {"cut to a size that is not a multiple of the entry size",
       [](const std::string& p, size_t, uint64_t) {
         uint64_t size = test::file_size(p);
         test::resize_file(p, size >= 3 ? size - 3 : size + 5);
       }},
      {"garbage appended", [](const std::string& p, size_t,
                              uint64_t) { test::append_to_file(p, test::random_bytes(37, 7)); }},
      {"garbage of a whole entry appended",
       [](const std::string& p, size_t entry_size, uint64_t) {
         test::append_to_file(p, test::random_bytes(entry_size, 11));
       }},
      {"first two entries swapped (not monotonic)",
       [](const std::string& p, size_t entry_size, uint64_t) {
         auto bytes = test::read_file(p);
         if (bytes.size() < 2 * entry_size) return;  // one entry cannot be out of order
         std::swap_ranges(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(entry_size),
                          bytes.begin() + static_cast<std::ptrdiff_t>(entry_size));
         test::write_file(p, bytes);
       }},
      {"zeroed", [](const std::string& p, size_t,
                    uint64_t) { test::write_file(p, std::vector<std::byte>(test::file_size(p))); }},
  };
}

class recovery_index_test : public test::recovery_fixture {
 protected:
  static constexpr int lookups = 10'000;

  // Writes a longer workload (about 20 segments) and closes it cleanly; keeps a
  // copy in pristine_, and the answers to `lookups` random offset and
  // timestamp lookups as a log with freshly rebuilt indexes gives them.
  void close_cleanly_and_answer_from_a_fresh_rebuild() {
    {
      auto log = write_workload(dir("live"), 200);
      ASSERT_TRUE(log);
      ASSERT_FALSE(log->close());
    }
    pristine_ = dir("pristine");
    test::copy_dir(dir("live"), pristine_);
    all_ = test::read_batches(pristine_);
    bases_ = test::segment_bases(pristine_);
    ASSERT_GE(bases_.size(), 10u);
    reference_ = fresh_rebuild(pristine_, "reference");
    auto ref = open(reference_, /*clean_shutdown=*/false, offset{0});
    ASSERT_TRUE(ref);
    timestamp_ms lo = INT64_MAX, hi = 0;
    for (const auto& b : all_) {
      lo = std::min(lo, b.max_timestamp);
      hi = std::max(hi, b.max_timestamp);
    }
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int64_t> any_offset(0, all_.back().last_offset.value);
    std::uniform_int_distribution<timestamp_ms> any_time(lo - 50, hi + 50);
    for (int i = 0; i < lookups; ++i) {
      offsets_.push_back(offset{any_offset(rng)});
      times_.push_back(any_time(rng));
    }
    for (int i = 0; i < lookups; ++i) {
      offset_answers_.push_back(first_slice(*ref, offsets_[i]));
      ASSERT_TRUE(offset_answers_.back());
      time_answers_.push_back(ref->offset_for_timestamp(times_[i]));
    }
  }

  // For every damage: a copy of the pristine log with that damage done to the
  // `kind` file of every segment, reopened as after a clean shutdown, must
  // answer every lookup as the fresh rebuild does and end up with the same
  // index files.
  void expect_rebuilt_after(const std::vector<index_damage>& damages, bool time_index) {
    size_t entry_size = time_index ? time_index::entry_size : offset_index::entry_size;
    for (const auto& damage : damages) {
      SCOPED_TRACE(std::string(time_index ? ".timeindex " : ".index ") + damage.name);
      std::string work = dir("work");
      test::copy_dir(pristine_, work);
      for (offset base : bases_) {
        std::string path =
            time_index ? test::time_index_path(work, base) : test::index_path(work, base);
        damage.apply(path, entry_size, test::file_size(test::log_path(work, base)));
      }
      auto log = open(work, /*clean_shutdown=*/true, all_.back().next_offset());
      ASSERT_TRUE(log);
      EXPECT_EQ(log->log_end_offset(), all_.back().next_offset());
      int wrong_offsets = 0;
      int wrong_times = 0;
      for (int i = 0; i < lookups; ++i) {
        wrong_offsets += first_slice(*log, offsets_[i]) != offset_answers_[i];
        wrong_times += log->offset_for_timestamp(times_[i]) != time_answers_[i];
      }
      EXPECT_EQ(wrong_offsets, 0);
      EXPECT_EQ(wrong_times, 0);
      expect_same_indexes(work, reference_);
    }
  }

  std::string pristine_;
  std::string reference_;
  std::vector<disk_batch> all_;
  std::vector<offset> bases_;
  std::vector<offset> offsets_;
  std::vector<timestamp_ms> times_;
  std::vector<std::optional<read_start>> offset_answers_;
  std::vector<std::optional<offset>> time_answers_;
};

// B6 for .index: each damage is found at a clean open and the index rebuilt.
TEST_F(recovery_index_test, damaged_offset_indexes_are_rebuilt_and_lookups_match_a_fresh_rebuild) {
  close_cleanly_and_answer_from_a_fresh_rebuild();
  std::vector<index_damage> damages = damages_for_both_kinds();
  damages.push_back({"last entry cut off", [](const std::string& p, size_t, uint64_t) {
                       test::resize_file(p, test::file_size(p) - offset_index::entry_size);
                     }});
  damages.push_back({"last entry pointing past the end of the .log",
                     [](const std::string& p, size_t, uint64_t log_size) {
                       auto bytes = test::read_file(p);
                       base::store_be<int32_t>(bytes.data() + bytes.size() - 4,
                                               static_cast<int32_t>(log_size));
                       test::write_file(p, bytes);
                     }});
  damages.push_back({"an entry-shaped stranger appended (far offset, far position)",
                     [](const std::string& p, size_t, uint64_t) {
                       std::vector<std::byte> e(offset_index::entry_size);
                       base::store_be<int32_t>(e.data(), 0x7ffffff0);
                       base::store_be<int32_t>(e.data() + 4, 0x7ffffff0);
                       test::append_to_file(p, e);
                     }});
  expect_rebuilt_after(damages, /*time_index=*/false);
}

// B6 for .timeindex.
TEST_F(recovery_index_test, damaged_time_indexes_are_rebuilt_and_lookups_match_a_fresh_rebuild) {
  close_cleanly_and_answer_from_a_fresh_rebuild();
  std::vector<index_damage> damages = damages_for_both_kinds();
  damages.push_back({"an entry-shaped stranger appended (far timestamp, far offset)",
                     [](const std::string& p, size_t, uint64_t) {
                       std::vector<std::byte> e(time_index::entry_size);
                       base::store_be<int64_t>(e.data(), 4'000'000'000'000'000);
                       base::store_be<int32_t>(e.data() + 8, 0x7ffffff0);
                       test::append_to_file(p, e);
                     }});
  damages.push_back(
      {"last entry naming the wrong timestamp", [](const std::string& p, size_t, uint64_t) {
         auto bytes = test::read_file(p);
         std::byte* last = bytes.data() + bytes.size() - time_index::entry_size;
         base::store_be<int64_t>(last, base::load_be<int64_t>(last) + 1);
         test::write_file(p, bytes);
       }});
  expect_rebuilt_after(damages, /*time_index=*/true);
}

// ---- log_manager: checkpoints, leftovers, the clean-shutdown marker ----

class recovery_manager_test : public test::recovery_fixture {
 protected:
  static constexpr int per_partition = 40;

  std::unique_ptr<log_manager> open_manager(const std::string& data) {
    log_manager_config mc;
    mc.log_dirs = {data};
    mc.config_for = [this](std::string_view) { return cfg_; };
    mc.warn = [this](std::string_view w) { warnings_.emplace_back(w); };
    auto m = log_manager::open(*io_, mc);
    EXPECT_TRUE(m) << m.error().message();
    return m ? std::move(*m) : nullptr;
  }

  // Two partitions with the workload, a DeleteRecords on the first, a clean
  // close; keeps a copy in pristine_.
  void write_and_close_cleanly() {
    std::string data = dir("data");
    {
      auto m = open_manager(data);
      ASSERT_TRUE(m);
      for (int p = 0; p < 2; ++p) {
        auto log = m->create({"events", p});
        ASSERT_TRUE(log);
        for (int i = 0; i < per_partition; ++i) {
          auto b = workload_batch(i);
          test::append_and_wait(**log, *io_, b);
        }
      }
      ASSERT_FALSE(m->get({"events", 0})->delete_records_before(offset{5}));
      ASSERT_FALSE(m->close());
    }
    pristine_ = dir("pristine");
    test::copy_dir(data, pristine_);
    for (int p = 0; p < 2; ++p) batches_[p] = test::read_batches(partition(pristine_, p));
    warnings_.clear();
  }

  static std::string partition(const std::string& data, int p) {
    return data + "/" + file_names::partition_dir("events", p);
  }
  // A fresh copy of the pristine log dir.
  std::string work_copy() {
    std::string work = dir("work");
    test::copy_dir(pristine_, work);
    return work;
  }
  // Flips a CRC-covered bit in the last batch of partition p: a clean start
  // trusts it, a recovery cuts the batch.
  void flip_in_last_batch(const std::string& data, int p) {
    const disk_batch& last = batches_[p].back();
    test::flip_bit(test::log_path(partition(data, p), last.segment_base),
                   last.position.value + batch_header_size + 1, 2);
  }
  bool warned_about(std::string_view file) const {
    return std::any_of(warnings_.begin(), warnings_.end(),
                       [&](const std::string& w) { return w.find(file) != std::string::npos; });
  }

  std::string pristine_;
  std::vector<disk_batch> batches_[2];
  std::vector<std::string> warnings_;
};

// B7, recovery point: a damaged checkpoint never fails the start; the warning
// names the file and every partition of the dir is recovered from offset 0
// (the batch damaged after the clean close is found and cut), with all
// intact data kept.
TEST_F(recovery_manager_test, damaged_recovery_point_checkpoint_means_full_recovery_and_a_warning) {
  write_and_close_cleanly();
  const std::string name(file_names::recovery_point_checkpoint);
  uint64_t size = test::file_size(pristine_ + "/" + name);
  std::vector<std::pair<std::string, std::function<void(const std::string&)>>> damages = {
      {"emptied", [](const std::string& p) { test::resize_file(p, 0); }},
      {"cut in half", [&](const std::string& p) { test::resize_file(p, size / 2); }},
      {"garbage", [](const std::string& p) { test::write_file(p, test::random_bytes(64, 5)); }},
      {"one byte more",
       [](const std::string& p) { test::append_to_file(p, test::random_bytes(1, 3)); }},
  };
  for (uint64_t i = 0; i < size; ++i) {
    damages.push_back({"bit flip at byte " + std::to_string(i), [i](const std::string& p) {
                         test::flip_bit(p, i, static_cast<int>(i % 8));
                       }});
  }
  for (const auto& [what, damage] : damages) {
    SCOPED_TRACE(what);
    warnings_.clear();
    std::string work = work_copy();
    damage(work + "/" + name);
    flip_in_last_batch(work, 1);
    auto m = open_manager(work);
    ASSERT_TRUE(m);
    EXPECT_TRUE(warned_about(name));
    auto* p0 = m->get({"events", 0});
    auto* p1 = m->get({"events", 1});
    ASSERT_TRUE(p0 && p1);
    expect_log_holds(*p0, partition(work, 0), batches_[0]);
    EXPECT_EQ(p0->log_start_offset(), offset{5});
    std::vector<disk_batch> cut(batches_[1].begin(), batches_[1].end() - 1);
    expect_log_holds(*p1, partition(work, 1), cut);
    if (HasFailure()) return;
  }
}

// B7, log start offset: a damaged checkpoint is reported and each log starts
// at its first segment's base offset (DeleteRecords below it is forgotten);
// the recovery-point checkpoint is intact, so the start is still clean.
TEST_F(recovery_manager_test, damaged_log_start_checkpoint_falls_back_to_the_first_segment) {
  write_and_close_cleanly();
  const std::string name(file_names::log_start_offset_checkpoint);
  uint64_t size = test::file_size(pristine_ + "/" + name);
  for (uint64_t i = 0; i <= size; ++i) {
    SCOPED_TRACE(i == size ? std::string("garbage") : "bit flip at byte " + std::to_string(i));
    warnings_.clear();
    std::string work = work_copy();
    if (i == size) {
      test::write_file(work + "/" + name, test::random_bytes(40, 9));
    } else {
      test::flip_bit(work + "/" + name, i, static_cast<int>((i + 3) % 8));
    }
    auto m = open_manager(work);
    ASSERT_TRUE(m);
    EXPECT_TRUE(warned_about(name));
    auto* p0 = m->get({"events", 0});
    ASSERT_TRUE(p0);
    EXPECT_EQ(p0->log_start_offset(), batches_[0].front().segment_base);
    expect_log_holds(*p0, partition(work, 0), batches_[0]);
    expect_log_holds(*m->get({"events", 1}), partition(work, 1), batches_[1]);
    if (HasFailure()) return;
  }
}

// Leftovers of interrupted operations in a partition directory (a segment
// being deleted, a file being written, an index whose .log is gone) are
// removed at open; a leftover checkpoint .tmp in the log dir is never read,
// and the next checkpoint write replaces it.
TEST_F(recovery_manager_test, leftover_tmp_and_deleted_files_are_removed_at_open) {
  write_and_close_cleanly();
  std::string work = work_copy();
  std::string p0 = partition(work, 0);
  const std::string leftovers[] = {"00000000000000000000.log.deleted",
                                   "00000000000000000000.index.deleted",
                                   "00000000000000000000.timeindex.deleted",
                                   "00000000000000000077.log.tmp",
                                   "00000000000000099999.index",
                                   "00000000000000099999.timeindex"};
  for (const auto& n : leftovers) test::write_file(p0 + "/" + n, test::random_bytes(100, 1));
  std::string tmp_checkpoint =
      work + "/" + std::string(file_names::recovery_point_checkpoint) + ".tmp";
  test::write_file(tmp_checkpoint, test::random_bytes(50, 2));
  auto m = open_manager(work);
  ASSERT_TRUE(m);
  EXPECT_TRUE(warnings_.empty());
  for (const auto& n : leftovers) EXPECT_FALSE(test::file_exists(p0 + "/" + n)) << n;
  expect_log_holds(*m->get({"events", 0}), p0, batches_[0]);
  ASSERT_FALSE(m->close());
  EXPECT_FALSE(test::file_exists(tmp_checkpoint));
}

// A4 / Kafka's clean shutdown: with the marker present nothing is scanned,
// rebuilt or truncated (a CRC-covered flip made after the close is served as
// written, as Kafka would), and the marker is removed before anything else,
// so that the next crash counts as unclean.
TEST_F(recovery_manager_test, a_clean_restart_trusts_the_files_and_removes_the_marker_at_start) {
  write_and_close_cleanly();
  std::string work = work_copy();
  flip_in_last_batch(work, 1);
  std::vector<std::pair<std::string, std::vector<std::byte>>> before;
  for (const auto& n : test::list_dir(partition(work, 1))) {
    std::string path = partition(work, 1) + "/" + n;
    before.emplace_back(path, test::read_file(path));
  }
  // A rebuild with this interval would write fewer index entries: any
  // rebuilt index would differ from the one written before the close.
  cfg_.index_interval_bytes = 1 << 20;
  std::string marker = work + "/" + std::string(file_names::clean_shutdown_marker);
  ASSERT_TRUE(test::file_exists(marker));
  auto m = open_manager(work);
  ASSERT_TRUE(m);
  EXPECT_FALSE(test::file_exists(marker));
  EXPECT_TRUE(warnings_.empty());
  offset active = batches_[1].back().segment_base;
  for (const auto& [path, bytes] : before) {
    std::vector<std::byte> now = test::read_file(path);
    bool active_index = path != test::log_path(partition(work, 1), active) &&
                        path.find(file_names::base_name(active)) != std::string::npos;
    if (active_index) {
      // The active segment's indexes are re-expanded to take appends (zeros).
      ASSERT_GE(now.size(), bytes.size()) << path;
      EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), now.begin())) << path;
      EXPECT_TRUE(std::all_of(now.begin() + static_cast<std::ptrdiff_t>(bytes.size()), now.end(),
                              [](std::byte b) { return b == std::byte{0}; }))
          << path;
    } else {
      EXPECT_TRUE(now == bytes) << path << " changed at a clean start";
    }
  }
  std::vector<disk_batch> as_written = batches_[1];
  as_written.back().bytes[batch_header_size + 1] ^= std::byte{4};
  expect_log_holds(*m->get({"events", 1}), partition(work, 1), as_written);
}

// The marker counts once: a crash after a clean start is an unclean stop, and
// the next start recovers (and cuts the batch damaged meanwhile).
TEST_F(recovery_manager_test, a_crash_after_a_clean_start_is_recovered_as_unclean) {
  write_and_close_cleanly();
  std::string work = work_copy();
  {
    auto m = open_manager(work);
    ASSERT_TRUE(m);
  }  // crash
  flip_in_last_batch(work, 1);
  auto m = open_manager(work);
  ASSERT_TRUE(m);
  std::vector<disk_batch> cut(batches_[1].begin(), batches_[1].end() - 1);
  expect_log_holds(*m->get({"events", 1}), partition(work, 1), cut);
  expect_log_holds(*m->get({"events", 0}), partition(work, 0), batches_[0]);
}

}  // namespace
}  // namespace sluice::log
