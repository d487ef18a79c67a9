#include "log/producer_snapshot.h"

#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "log/checkpoint_file.h"
#include "log/file_names.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

constexpr std::byte magic[4] = {std::byte{'S'}, std::byte{'L'}, std::byte{'P'}, std::byte{'S'}};
constexpr int16_t version = 1;
constexpr size_t header_size = 22;
constexpr size_t crc_start = 10;
constexpr size_t entry_fixed = 8 + 2 + 4 + 8 + 8 + 8 + 1;
constexpr size_t batch_size = 4 + 4 + 8 + 8 + 8;

}  // namespace

std::vector<std::byte> encode_producer_snapshot(offset at,
                                                const std::vector<producer_entry>& producers) {
  size_t size = header_size;
  for (const auto& e : producers) size += entry_fixed + batch_size * e.batches.size();
  std::vector<std::byte> out(size);
  std::byte* p = out.data();
  std::memcpy(p, magic, sizeof magic);
  base::store_be<int16_t>(p + 4, version);
  base::store_be<int64_t>(p + 10, at.value);
  base::store_be<int32_t>(p + 18, static_cast<int32_t>(producers.size()));
  p += header_size;
  for (const auto& e : producers) {
    base::store_be<int64_t>(p, e.producer_id);
    base::store_be<int16_t>(p + 8, e.epoch);
    base::store_be<int32_t>(p + 10, e.coordinator_epoch);
    base::store_be<int64_t>(p + 14, e.last_timestamp);
    base::store_be<int64_t>(p + 22, e.current_txn_first_offset.value);
    base::store_be<int64_t>(p + 30, e.last_offset.value);
    p[38] = static_cast<std::byte>(e.batches.size());
    p += entry_fixed;
    for (const auto& b : e.batches) {
      base::store_be<int32_t>(p, b.first_seq);
      base::store_be<int32_t>(p + 4, b.last_seq);
      base::store_be<int64_t>(p + 8, b.first_offset.value);
      base::store_be<int64_t>(p + 16, b.last_offset.value);
      base::store_be<int64_t>(p + 24, b.max_timestamp);
      p += batch_size;
    }
  }
  uint32_t crc = base::crc32c(std::span<const std::byte>(out).subspan(crc_start));
  base::store_be<int32_t>(out.data() + 6, static_cast<int32_t>(crc));
  return out;
}

result<std::vector<producer_entry>> decode_producer_snapshot(std::span<const std::byte> bytes,
                                                             offset at) {
  if (bytes.size() < header_size) return errc::corrupt_file;
  const std::byte* p = bytes.data();
  if (std::memcmp(p, magic, sizeof magic) != 0 || base::load_be<int16_t>(p + 4) != version) {
    return errc::corrupt_file;
  }
  if (static_cast<uint32_t>(base::load_be<int32_t>(p + 6)) !=
      base::crc32c(bytes.subspan(crc_start))) {
    return errc::corrupt_file;
  }
  if (base::load_be<int64_t>(p + 10) != at.value) return errc::corrupt_file;
  uint32_t count = static_cast<uint32_t>(base::load_be<int32_t>(p + 18));
  size_t pos = header_size;
  // The count is believed only as far as the bytes present allow.
  if (count > (bytes.size() - pos) / entry_fixed) return errc::corrupt_file;
  std::vector<producer_entry> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (bytes.size() - pos < entry_fixed) return errc::corrupt_file;
    const std::byte* q = p + pos;
    producer_entry e;
    e.producer_id = base::load_be<int64_t>(q);
    e.epoch = base::load_be<int16_t>(q + 8);
    e.coordinator_epoch = base::load_be<int32_t>(q + 10);
    e.last_timestamp = base::load_be<int64_t>(q + 14);
    e.current_txn_first_offset = offset{base::load_be<int64_t>(q + 22)};
    e.last_offset = offset{base::load_be<int64_t>(q + 30)};
    size_t batches = static_cast<uint8_t>(q[38]);
    pos += entry_fixed;
    if (batches > producer_batches_kept || bytes.size() - pos < batches * batch_size) {
      return errc::corrupt_file;
    }
    for (size_t j = 0; j < batches; ++j) {
      const std::byte* b = p + pos;
      e.batches.push_back({base::load_be<int32_t>(b), base::load_be<int32_t>(b + 4),
                           offset{base::load_be<int64_t>(b + 8)},
                           offset{base::load_be<int64_t>(b + 16)}, base::load_be<int64_t>(b + 24)});
      pos += batch_size;
    }
    out.push_back(std::move(e));
  }
  if (pos != bytes.size()) return errc::corrupt_file;
  return out;
}

std::error_code write_producer_snapshot(io::io_backend& io, const std::string& dir, offset at,
                                        const std::vector<producer_entry>& producers, bool sync,
                                        bool sync_dir) {
  auto bytes = encode_producer_snapshot(at, producers);
  return write_file_atomically(io, dir, file_names::snapshot_file(at), bytes, sync, sync_dir);
}

result<std::vector<producer_entry>> read_producer_snapshot(const std::string& dir, offset at) {
  auto bytes = read_whole_file(file_names::join(dir, file_names::snapshot_file(at)));
  if (!bytes) return bytes.error();
  return decode_producer_snapshot(*bytes, at);
}

result<std::vector<offset>> list_producer_snapshots(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return errc::io_error;
  std::vector<offset> out;
  while (dirent* e = ::readdir(d)) {
    if (auto at = file_names::parse_snapshot_file(e->d_name)) out.push_back(*at);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sluice::log
