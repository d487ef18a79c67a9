#include "log/checkpoint_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "base/big_endian.h"
#include "log/file_names.h"
#include "log/io/errno_map.h"
#include "log/io/file_handle.h"
#include "log/io/io_backend.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

constexpr std::byte magic[4] = {std::byte{'S'}, std::byte{'L'}, std::byte{'C'}, std::byte{'K'}};
constexpr size_t header_size = 4 + 2 + 4;
constexpr size_t entry_fixed_size = 2 + 4 + 8;  // an entry with an empty topic
constexpr size_t checksum_size = 8;
// Far above any real checkpoint (100,000 partitions of 249-byte topics take
// 26 MB); a larger file is garbage and is not read into memory.
constexpr uint64_t max_checkpoint_bytes = uint64_t{256} << 20;

uint64_t checksum(std::span<const std::byte> bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

// Reads [pos, pos + n) of a buffer, failing instead of reading past its end.
class reader {
 public:
  explicit reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  bool has(size_t n) const { return bytes_.size() - pos_ >= n; }
  const std::byte* take(size_t n) {
    const std::byte* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::span<const std::byte> bytes_;
  size_t pos_ = 0;
};

}  // namespace

result<std::vector<std::byte>> read_whole_file(const std::string& path) {
  io::file_handle fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return io::error_from_errno(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io::error_from_errno(errno);
  if (static_cast<uint64_t>(st.st_size) > max_checkpoint_bytes) return errc::corrupt_file;
  // One byte more than the size says, to notice a file that grew meanwhile.
  std::vector<std::byte> buf(static_cast<size_t>(st.st_size) + 1);
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::pread(fd.get(), buf.data() + got, buf.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io::error_from_errno(errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == buf.size()) return errc::corrupt_file;  // changed under us: do not trust it
  buf.resize(got);
  return buf;
}

result<std::vector<std::byte>> encode_checkpoint(const std::vector<checkpoint_entry>& entries) {
  if (entries.size() > std::numeric_limits<uint32_t>::max()) return errc::invalid_argument;
  size_t size = header_size + checksum_size;
  for (const auto& e : entries) {
    if (e.topic.size() > std::numeric_limits<uint16_t>::max()) return errc::invalid_argument;
    size += entry_fixed_size + e.topic.size();
  }
  std::vector<std::byte> out(size);
  std::byte* p = out.data();
  std::memcpy(p, magic, sizeof magic);
  base::store_be<int16_t>(p + 4, static_cast<int16_t>(checkpoint_version));
  base::store_be<int32_t>(p + 6, static_cast<int32_t>(entries.size()));
  p += header_size;
  for (const auto& e : entries) {
    base::store_be<int16_t>(p, static_cast<int16_t>(e.topic.size()));
    std::memcpy(p + 2, e.topic.data(), e.topic.size());
    p += 2 + e.topic.size();
    base::store_be<int32_t>(p, e.partition);
    base::store_be<int64_t>(p + 4, e.offset);
    p += 12;
  }
  base::store_be<int64_t>(p, static_cast<int64_t>(checksum({out.data(), size - checksum_size})));
  return out;
}

result<std::vector<checkpoint_entry>> decode_checkpoint(std::span<const std::byte> bytes) {
  if (bytes.size() < header_size + checksum_size) return errc::corrupt_file;
  auto body = bytes.first(bytes.size() - checksum_size);
  if (static_cast<uint64_t>(base::load_be<int64_t>(body.data() + body.size())) != checksum(body)) {
    return errc::corrupt_file;
  }
  reader in(body);
  const std::byte* h = in.take(header_size);
  if (std::memcmp(h, magic, sizeof magic) != 0) return errc::corrupt_file;
  if (static_cast<uint16_t>(base::load_be<int16_t>(h + 4)) != checkpoint_version)
    return errc::corrupt_file;
  uint32_t count = static_cast<uint32_t>(base::load_be<int32_t>(h + 6));
  // The declared count is only believed as far as the bytes present allow.
  if (count > in.remaining() / entry_fixed_size) return errc::corrupt_file;
  std::vector<checkpoint_entry> entries;
  entries.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (!in.has(2)) return errc::corrupt_file;
    size_t len = static_cast<uint16_t>(base::load_be<int16_t>(in.take(2)));
    if (!in.has(len + 12)) return errc::corrupt_file;
    const char* topic = reinterpret_cast<const char*>(in.take(len));
    const std::byte* rest = in.take(12);
    entries.push_back(
        {std::string(topic, len), base::load_be<int32_t>(rest), base::load_be<int64_t>(rest + 4)});
  }
  if (in.remaining() != 0) return errc::corrupt_file;  // trailing bytes
  return entries;
}

std::error_code write_file_atomically(io::io_backend& io, const std::string& dir,
                                      std::string_view file_name, std::span<const std::byte> bytes,
                                      bool sync, bool sync_dir) {
  std::string path = file_names::join(dir, file_name);
  std::string tmp = path + std::string(file_names::tmp_suffix);
  std::error_code ec;
  {
    auto f = io.open(tmp, io::open_mode::create_read_write);
    if (!f) return f.error();
    int fd = f->get();
    // A .tmp left by a crash may be longer than what we write now.
    if (!(ec = io.truncate(fd, 0)) && !(ec = io.write_at(fd, 0, bytes)) && sync) ec = io.sync(fd);
  }
  if (!ec) ec = io.rename(tmp, path);
  if (ec) {
    io.remove(tmp);  // best effort; a leftover .tmp is never read
    return ec;
  }
  return sync_dir ? io.sync_dir(dir) : std::error_code{};
}

std::error_code write_checkpoint(io::io_backend& io, const std::string& dir,
                                 std::string_view file_name,
                                 const std::vector<checkpoint_entry>& entries) {
  auto bytes = encode_checkpoint(entries);
  if (!bytes) return bytes.error();
  return write_file_atomically(io, dir, file_name, *bytes);
}

result<std::vector<checkpoint_entry>> read_checkpoint(const std::string& path) {
  auto bytes = read_whole_file(path);
  if (!bytes) return bytes.error();
  return decode_checkpoint(*bytes);
}

}  // namespace sluice::log
