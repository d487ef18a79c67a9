#include "log/txn_index.h"

#include <cstring>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "log/checkpoint_file.h"
#include "log/file_names.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

constexpr std::byte magic[4] = {std::byte{'S'}, std::byte{'L'}, std::byte{'T'}, std::byte{'I'}};
constexpr int16_t version = 1;
constexpr size_t header_size = 22;
constexpr size_t crc_start = 10;
constexpr size_t entry_size = 32;

}  // namespace

std::vector<std::byte> encode_txn_index(const txn_index_file& f) {
  std::vector<std::byte> out(header_size + entry_size * f.entries.size());
  std::byte* p = out.data();
  std::memcpy(p, magic, sizeof magic);
  base::store_be<int16_t>(p + 4, version);
  base::store_be<int64_t>(p + 10, f.covered_end.value);
  base::store_be<int32_t>(p + 18, static_cast<int32_t>(f.entries.size()));
  p += header_size;
  for (const auto& a : f.entries) {
    base::store_be<int64_t>(p, a.producer_id);
    base::store_be<int64_t>(p + 8, a.first_offset.value);
    base::store_be<int64_t>(p + 16, a.last_offset.value);
    base::store_be<int64_t>(p + 24, a.last_stable_offset.value);
    p += entry_size;
  }
  uint32_t crc = base::crc32c(std::span<const std::byte>(out).subspan(crc_start));
  base::store_be<int32_t>(out.data() + 6, static_cast<int32_t>(crc));
  return out;
}

result<txn_index_file> decode_txn_index(std::span<const std::byte> bytes) {
  if (bytes.size() < header_size) return errc::corrupt_file;
  const std::byte* p = bytes.data();
  if (std::memcmp(p, magic, sizeof magic) != 0 || base::load_be<int16_t>(p + 4) != version) {
    return errc::corrupt_file;
  }
  if (static_cast<uint32_t>(base::load_be<int32_t>(p + 6)) !=
      base::crc32c(bytes.subspan(crc_start))) {
    return errc::corrupt_file;
  }
  uint32_t count = static_cast<uint32_t>(base::load_be<int32_t>(p + 18));
  if ((bytes.size() - header_size) % entry_size != 0 ||
      (bytes.size() - header_size) / entry_size != count) {
    return errc::corrupt_file;
  }
  txn_index_file f;
  f.covered_end = offset{base::load_be<int64_t>(p + 10)};
  f.entries.reserve(count);
  for (const std::byte* q = p + header_size; q < p + bytes.size(); q += entry_size) {
    f.entries.push_back({base::load_be<int64_t>(q), offset{base::load_be<int64_t>(q + 8)},
                         offset{base::load_be<int64_t>(q + 16)},
                         offset{base::load_be<int64_t>(q + 24)}});
  }
  return f;
}

std::error_code write_txn_index(io::io_backend& io, const std::string& dir, offset base,
                                const txn_index_file& f, bool sync, bool sync_dir) {
  auto bytes = encode_txn_index(f);
  return write_file_atomically(io, dir, file_names::txn_index_file(base), bytes, sync, sync_dir);
}

result<txn_index_file> read_txn_index(const std::string& dir, offset base) {
  auto bytes = read_whole_file(file_names::join(dir, file_names::txn_index_file(base)));
  if (!bytes) return bytes.error();
  return decode_txn_index(*bytes);
}

}  // namespace sluice::log
