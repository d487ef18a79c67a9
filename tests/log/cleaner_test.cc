// Log compaction (log/cleaner.h): what survives a round, the configuration
// that gates it, tombstone expiry, readers during a swap, and crash points at
// every step of a swap (kill -9 and power loss): reopening gives the old
// segment or the cleaned one, never a mix.
#include "log/cleaner.h"
#include "base/big_endian.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "base/crc32c.h"
#include "base/varint.h"
#include "log/cleaner_records.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/sim_disk/sim_disk.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

struct kv {
  std::string key;
  std::optional<std::string> value;  // nullopt: tombstone
  bool operator==(const kv&) const = default;
};

// An uncompressed batch of keyed records, encoded here independently of the
// cleaner's writer.
std::vector<std::byte> kv_batch(const std::vector<kv>& records, timestamp_ms ts) {
  using base::append_varlong;
  std::vector<std::byte> body;
  for (size_t i = 0; i < records.size(); ++i) {
    std::vector<std::byte> r;
    r.push_back(std::byte{0});
    append_varlong(r, 0);                        // timestamp delta
    append_varlong(r, static_cast<int64_t>(i));  // offset delta
    append_varlong(r, static_cast<int64_t>(records[i].key.size()));
    for (char c : records[i].key) r.push_back(static_cast<std::byte>(c));
    if (records[i].value) {
      append_varlong(r, static_cast<int64_t>(records[i].value->size()));
      for (char c : *records[i].value) r.push_back(static_cast<std::byte>(c));
    } else {
      append_varlong(r, -1);
    }
    append_varlong(r, 0);  // headers
    append_varlong(body, static_cast<int64_t>(r.size()));
    body.insert(body.end(), r.begin(), r.end());
  }
  std::vector<std::byte> b(batch_header_size + body.size());
  base::store_be<int64_t>(b.data(), 0);
  base::store_be<int32_t>(b.data() + 8, static_cast<int32_t>(b.size() - batch_length_field_end));
  base::store_be<int32_t>(b.data() + 12, 0);
  b[16] = std::byte{2};
  base::store_be<int16_t>(b.data() + 21, 0);
  base::store_be<int32_t>(b.data() + 23, static_cast<int32_t>(records.size() - 1));
  base::store_be<int64_t>(b.data() + 27, ts);
  base::store_be<int64_t>(b.data() + 35, ts);
  base::store_be<int64_t>(b.data() + 43, -1);
  base::store_be<int16_t>(b.data() + 51, -1);
  base::store_be<int32_t>(b.data() + 53, -1);
  base::store_be<int32_t>(b.data() + 57, static_cast<int32_t>(records.size()));
  std::copy(body.begin(), body.end(), b.begin() + batch_header_size);
  base::store_be<int32_t>(
      b.data() + 17,
      static_cast<int32_t>(base::crc32c(std::span<const std::byte>(b).subspan(batch_crc_start))));
  return b;
}

using contents = std::map<int64_t, kv>;  // offset -> record

// Everything readable, by offset; every batch must pass validate_batch.
contents read_all(partition_log& log) {
  contents out;
  auto r = log.read(log.log_start_offset(), uint64_t{1} << 30);
  EXPECT_TRUE(r);
  if (!r) return out;
  auto bytes = test::read_slices(r->slices);
  batch_iterator it(bytes);
  record_batch_view v(bytes);
  std::vector<std::byte> scratch;
  std::vector<record_entry> records;
  offset prev{-1};
  while (it.next(v)) {
    EXPECT_FALSE(validate_batch(v.bytes())) << "batch at " << v.base_offset().value;
    EXPECT_GT(v.base_offset(), prev) << "offsets must grow";
    prev = v.last_offset();
    EXPECT_TRUE(read_records(v, batch_codec{}, scratch, records));
    for (const auto& e : records) {
      kv x{std::string(reinterpret_cast<const char*>(e.key.data()), e.key.size()), std::nullopt};
      if (e.has_value) {
        auto rest = e.tail;
        const int32_t klen = base::read_varint(rest).value();
        rest = rest.subspan(static_cast<size_t>(klen));
        const int32_t vlen = base::read_varint(rest).value();
        x.value =
            std::string(reinterpret_cast<const char*>(rest.data()), static_cast<size_t>(vlen));
      }
      out[e.off.value] = x;
    }
  }
  return out;
}

std::map<std::string, std::pair<int64_t, std::optional<std::string>>> latest(const contents& c) {
  std::map<std::string, std::pair<int64_t, std::optional<std::string>>> m;
  for (const auto& [o, r] : c) m[r.key] = {o, r.value};
  return m;
}

class cleaner_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = io::make_posix_backend();
    cfg_.clock = clock_.fn();
    cfg_.cleanup_compact = true;
    cfg_.cleanup_delete = false;
    cfg_.segment_bytes = 2048;
  }
  std::unique_ptr<partition_log> open(io::io_backend& io, bool clean = true) {
    partition_log::open_options o;
    o.clean_shutdown = clean;  // unclean: recovery point 0, every segment validated
    auto l = partition_log::open(io, dir_ / "t-0", cfg_, o);
    EXPECT_TRUE(l) << l.error().message();
    return l ? std::move(*l) : nullptr;
  }
  void put(partition_log& log, io::io_backend& io, const std::vector<kv>& records) {
    auto b = kv_batch(records, *clock_.now);
    test::append_and_wait(log, io, b);
  }
  // Keys k0..k{keys-1}, each written `rounds` times, then tombstones for some.
  void fill(partition_log& log, io::io_backend& io, int keys, int rounds) {
    for (int r = 0; r < rounds; ++r) {
      for (int k = 0; k < keys; k += 2) {
        put(log, io,
            {{"k" + std::to_string(k), "v" + std::to_string(r) + "-" + std::string(40, 'x')},
             {"k" + std::to_string(k + 1), "v" + std::to_string(r) + "-" + std::string(40, 'y')}});
      }
    }
  }
  // Runs slices until the round is done.
  static int clean(partition_log& log, const clean_options& opts, int64_t now,
                   uint64_t budget = 4096) {
    int slices = 0;
    while (log.clean_step(opts, now, budget)) ++slices;
    return slices;
  }

  test::temp_dir dir_;
  test::fake_clock clock_;
  log_config cfg_;
  std::unique_ptr<io::io_backend> io_;
};

TEST_F(cleaner_test, keeps_the_latest_value_per_key_at_its_original_offset) {
  auto log = open(*io_);
  fill(*log, *io_, 10, 20);
  ASSERT_GT(log->segment_count(), 5u);
  const contents before = read_all(*log);
  const uint64_t size_before = log->size_bytes();
  EXPECT_GT(clean(*log, {}, *clock_.now), 1) << "the work must come in several slices";
  const contents after = read_all(*log);
  EXPECT_LT(log->size_bytes(), size_before / 2);
  // Nothing new, nothing moved: every surviving record is the one that was
  // at that offset, and every key still reads its latest value.
  for (const auto& [o, r] : after) {
    ASSERT_TRUE(before.contains(o));
    EXPECT_EQ(before.at(o).key, r.key);
    EXPECT_EQ(before.at(o).value, r.value);
  }
  EXPECT_EQ(latest(after), latest(before));
  EXPECT_LT(after.size(), before.size() / 3);
  EXPECT_EQ(log->log_end_offset(), offset{200});
  // Both a clean and an unclean start accept the offset gaps.
  ASSERT_FALSE(log->close());
  log.reset();
  log = open(*io_, /*clean=*/true);
  EXPECT_EQ(read_all(*log), after);
  log.reset();
  log = open(*io_, /*clean=*/false);
  EXPECT_EQ(read_all(*log), after);
  EXPECT_EQ(log->log_end_offset(), offset{200});
  // New appends continue at the old end.
  put(*log, *io_, {{"k0", "new"}});
  EXPECT_EQ(log->log_end_offset(), offset{201});
}

TEST_F(cleaner_test, tombstones_go_only_after_delete_retention_once_cleaned) {
  cfg_.delete_retention_ms = 60'000;
  auto log = open(*io_);
  fill(*log, *io_, 4, 10);
  put(*log, *io_, {{"k1", std::nullopt}, {"k2", std::nullopt}});
  for (int i = 0; i < 40; ++i) put(*log, *io_, {{"other" + std::to_string(i % 3), "x"}});
  clean(*log, {}, *clock_.now);
  auto after = latest(read_all(*log));
  ASSERT_TRUE(after.contains("k1"));
  EXPECT_FALSE(after.at("k1").second.has_value()) << "the tombstone stays for now";
  ASSERT_TRUE(after.contains("k0"));
  // Before the horizon nothing changes; after it, a round is due by itself.
  clock_.advance(30'000);
  EXPECT_FALSE(log->clean_step({}, *clock_.now, 4096));
  EXPECT_TRUE(latest(read_all(*log)).contains("k1"));
  clock_.advance(31'000);
  clean(*log, {}, *clock_.now);
  auto gone = latest(read_all(*log));
  EXPECT_FALSE(gone.contains("k1"));
  EXPECT_FALSE(gone.contains("k2"));
  EXPECT_TRUE(gone.contains("k0"));
  EXPECT_TRUE(gone.contains("k3"));
}

TEST_F(cleaner_test, min_compaction_lag_and_dirty_ratio_gate_a_round) {
  cfg_.min_compaction_lag_ms = 3'600'000;
  auto log = open(*io_);
  fill(*log, *io_, 10, 10);
  const contents before = read_all(*log);
  EXPECT_FALSE(log->clean_step({}, *clock_.now, 4096));
  EXPECT_EQ(read_all(*log), before) << "records younger than min.compaction.lag.ms stay";
  clock_.advance(3'600'001);
  clean(*log, {}, *clock_.now);
  const contents cleaned = read_all(*log);
  EXPECT_LT(cleaned.size(), before.size());
  // New dirt below min.cleanable.dirty.ratio starts no round until it is
  // older than max.compaction.lag.ms.
  auto c = cfg_;
  c.min_compaction_lag_ms = 0;
  c.min_cleanable_dirty_ratio = 1.0;
  // The dirty part starts in the segment that was active at the last round,
  // written 3,600,001 ms ago.
  c.max_compaction_lag_ms = 10'000'000;
  log->update_config(c);
  for (int i = 0; i < 60; ++i) put(*log, *io_, {{"z" + std::to_string(i % 2), "pad"}});
  EXPECT_FALSE(log->clean_step({}, *clock_.now, 4096));
  clock_.advance(7'000'000);
  EXPECT_TRUE(log->clean_step({}, *clock_.now, 4096));
  clean(*log, {}, *clock_.now);
  auto z = read_all(*log);
  int zs = 0;
  for (const auto& [o, r] : z) zs += r.key[0] == 'z';
  EXPECT_LT(zs, 30);
}

TEST_F(cleaner_test, a_reader_holding_the_old_segment_reads_it_whole) {
  auto log = open(*io_);
  fill(*log, *io_, 10, 20);
  auto r = log->read(offset{0}, uint64_t{1} << 30);
  ASSERT_TRUE(r);
  const auto bytes_before = test::read_slices(r->slices);
  clean(*log, {}, *clock_.now);
  EXPECT_EQ(test::read_slices(r->slices), bytes_before);
}

// Crash points: the cleaner stops at `point` of the first swap, the process
// "dies" (the partition is dropped without close) and the log is reopened by
// an unclean start; with `power_loss` the disk also loses what was not synced.
class cleaner_crash_test : public cleaner_test,
                           public ::testing::WithParamInterface<std::tuple<clean_point, bool>> {};

TEST_P(cleaner_crash_test, reopening_gives_the_old_segment_or_the_cleaned_one) {
  const auto [point, power_loss] = GetParam();
  test::sim_disk disk(dir_.path(), 42);
  contents old_log, first_swapped;
  {
    auto log = open(disk);
    fill(*log, disk, 10, 20);
    old_log = read_all(*log);
    ASSERT_FALSE(log->close());
    // The partition directory's own entry (log_manager's job, not this test's).
    ASSERT_FALSE(disk.sync_dir(dir_.path()));
  }
  // The reference: the state right after the first swap was installed.
  {
    test::temp_dir ref;
    std::filesystem::copy(dir_ / "t-0", ref / "t-0", std::filesystem::copy_options::recursive);
    auto io = io::make_posix_backend();
    auto l = partition_log::open(*io, ref / "t-0", cfg_, {});
    ASSERT_TRUE(l);
    clean_options o;
    o.crash_at = [](clean_point p) { return p == clean_point::installed; };
    clean(**l, o, *clock_.now);
    l->reset();
    auto again = partition_log::open(*io, ref / "t-0", cfg_, {});
    ASSERT_TRUE(again);
    first_swapped = read_all(**again);
  }
  ASSERT_NE(first_swapped, old_log);
  {
    auto log = open(disk);
    clean_options o;
    o.crash_at = [p = point](clean_point at) { return at == p; };
    clean(*log, o, *clock_.now);
  }
  if (power_loss) {
    ASSERT_FALSE(disk.crash());
  }
  auto log = open(disk, /*clean=*/false);
  const contents now = read_all(*log);
  const bool committed = point >= clean_point::swap_renamed;
  EXPECT_TRUE(now == (committed ? first_swapped : old_log))
      << "reopened " << now.size() << " records; old " << old_log.size() << ", cleaned "
      << first_swapped.size();
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "t-0")) {
    const std::string n = e.path().filename();
    EXPECT_EQ(n.find(".cleaned"), std::string::npos) << n;
    EXPECT_EQ(n.find(".swap"), std::string::npos) << n;
  }
  // The next round finishes the job from there.
  clean(*log, {}, *clock_.now);
  EXPECT_TRUE(latest(read_all(*log)) == latest(old_log));
  EXPECT_LT(read_all(*log).size(), first_swapped.size());
}

INSTANTIATE_TEST_SUITE_P(
    every_step, cleaner_crash_test,
    ::testing::Combine(::testing::Values(clean_point::checkpoint_written,
                                         clean_point::cleaned_written, clean_point::swap_renamed,
                                         clean_point::old_removed, clean_point::installed),
                       ::testing::Bool()));

}  // namespace
}  // namespace sluice::log
