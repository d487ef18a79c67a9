#include "tests/support/recovery_fixture.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "log/file_names.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"

namespace sluice::test {

recovery_fixture::recovery_fixture() : io_(log::io::make_posix_backend()) {
  cfg_.clock = clock_.fn();
  cfg_.segment_bytes = 2048;        // ~15 batches a segment
  cfg_.index_interval_bytes = 256;  // an index entry every two or three batches
  cfg_.max_index_bytes = 4096;      // small preallocated indexes: cheap to copy
}

std::unique_ptr<log::partition_log> recovery_fixture::open(const std::string& dir,
                                                           bool clean_shutdown,
                                                           log::offset recovery_point) {
  log::partition_log::open_options opts;
  opts.clean_shutdown = clean_shutdown;
  opts.recovery_point = recovery_point;
  auto l = log::partition_log::open(*io_, dir, cfg_, opts);
  EXPECT_TRUE(l) << "open " << dir << ": " << l.error().message();
  return l ? std::move(*l) : nullptr;
}

std::vector<std::byte> recovery_fixture::workload_batch(int i) {
  log::timestamp_ms ts = 1'000'000 + 10 * i + (i % 7 == 3 ? 5'000 : 0);
  return build_batch(1 + i % 3, 20 + static_cast<size_t>((i * 7) % 31), ts);
}

std::unique_ptr<log::partition_log> recovery_fixture::write_workload(const std::string& dir,
                                                                     int count) {
  auto log = open(dir, /*clean_shutdown=*/false, log::offset{0});
  if (!log) return nullptr;
  for (int i = 0; i < count; ++i) {
    auto b = workload_batch(i);
    append_and_wait(*log, *io_, b, log::ack_level::flushed);
  }
  return log;
}

namespace {

// Where a read of `o` must start: the segment file and position of its batch.
struct read_start {
  std::string file;
  uint64_t position = 0;
  bool operator==(const read_start&) const = default;
};

std::optional<read_start> first_slice(const log::partition_log& log, log::offset o) {
  auto r = log.read(o, 1);
  if (!r || r->slices.empty()) return std::nullopt;
  return read_start{r->slices[0].file->path, r->slices[0].position.value};
}

}  // namespace

void recovery_fixture::expect_log_holds(const log::partition_log& log, const std::string& dir,
                                        const std::vector<disk_batch>& expected) {
  log::offset start = log.log_start_offset();
  log::offset end = expected.empty() ? start : expected.back().next_offset();
  EXPECT_EQ(log.log_end_offset(), end);
  EXPECT_EQ(log.high_watermark(), end);

  // Everything from the log start, in one read: the same bytes, with
  // contiguous offsets.
  auto r = log.read(start, 1ull << 30);
  ASSERT_TRUE(r) << r.error().message();
  std::vector<std::byte> want;
  for (const auto& b : expected) {
    if (b.last_offset >= start) want.insert(want.end(), b.bytes.begin(), b.bytes.end());
  }
  std::vector<std::byte> got = read_slices(r->slices);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "bytes read back differ from the expected batches";
  log::batch_iterator it(got);
  log::record_batch_view v(got);
  std::optional<log::offset> next;
  while (it.next(v)) {
    if (next) {
      EXPECT_EQ(v.base_offset(), *next) << "offsets read back are not contiguous";
    }
    next = v.next_offset();
  }

  // Offset lookups: every offset starts its read at its own batch.
  for (const auto& b : expected) {
    read_start want_start{log_path(dir, b.segment_base), b.position.value};
    for (log::offset o = std::max(b.base_offset, start); o <= b.last_offset; o = o + 1) {
      EXPECT_EQ(first_slice(log, o), want_start) << "read of offset " << o.value;
    }
    if (::testing::Test::HasFailure()) return;
  }

  // Timestamp lookups: the first batch whose max timestamp is >= ts (never
  // below the log start).
  std::set<log::timestamp_ms> probes{0, 10'000'000};
  for (const auto& b : expected) {
    probes.insert({b.max_timestamp - 1, b.max_timestamp, b.max_timestamp + 1});
  }
  for (log::timestamp_ms ts : probes) {
    std::optional<log::offset> want_offset;
    for (const auto& b : expected) {
      if (b.max_timestamp >= ts) {
        want_offset = std::max(b.base_offset, start);
        break;
      }
    }
    EXPECT_EQ(log.offset_for_timestamp(ts), want_offset) << "timestamp " << ts;
    if (::testing::Test::HasFailure()) return;
  }
}

std::string recovery_fixture::fresh_rebuild(const std::string& from, const std::string& name) {
  std::string to = dir(name);
  copy_dir(from, to);
  for (const auto& n : list_dir(to)) {
    auto parsed = log::file_names::parse_segment_file(n);
    if (parsed && parsed->kind != log::file_names::segment_file_kind::log) {
      std::filesystem::remove(to + "/" + n);
    }
  }
  auto log = open(to, /*clean_shutdown=*/false, log::offset{0});
  return to;  // destroyed without close: the files stay as recovery left them
}

void recovery_fixture::expect_same_indexes(const std::string& dir, const std::string& reference) {
  auto bases = segment_bases(dir);
  EXPECT_EQ(bases, segment_bases(reference));
  for (log::offset base : bases) {
    EXPECT_TRUE(read_file(index_path(dir, base)) == read_file(index_path(reference, base)))
        << "offset index of segment " << base.value << " differs from a fresh rebuild";
    EXPECT_TRUE(read_file(time_index_path(dir, base)) ==
                read_file(time_index_path(reference, base)))
        << "time index of segment " << base.value << " differs from a fresh rebuild";
  }
}

}  // namespace sluice::test
