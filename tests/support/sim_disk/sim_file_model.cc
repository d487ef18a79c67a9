#include "tests/support/sim_disk/sim_file_model.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "log/io/errno_map.h"
#include "log/io/file_handle.h"

namespace sluice::test {

// The engine's I/O vocabulary, used throughout.
using namespace sluice::log;
using namespace sluice::log::io;
namespace {

constexpr uint64_t ps = sim_file_model::page_size;

uint64_t file_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// `len` bytes at `off`, zero-padded past the end of the file. The fd may have
// been opened write-only by someone else; then read through /proc instead.
std::vector<std::byte> read_bytes(int fd, uint64_t off, uint64_t len) {
  std::vector<std::byte> out(len);
  ssize_t n = ::pread(fd, out.data(), len, static_cast<off_t>(off));
  if (n < 0 && errno == EBADF) {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    file_handle r(::open(proc.c_str(), O_RDONLY | O_CLOEXEC));
    if (r.valid()) n = ::pread(r.get(), out.data(), len, static_cast<off_t>(off));
  }
  return out;  // bytes not read stay zero
}

std::error_code pwrite_all(int fd, const std::byte* p, uint64_t len, uint64_t off) {
  while (len > 0) {
    const ssize_t n = ::pwrite(fd, p, len, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return error_from_errno(n < 0 ? errno : EIO);
    p += n;
    len -= static_cast<uint64_t>(n);
    off += static_cast<uint64_t>(n);
  }
  return {};
}

template <class Map>
void drop_pages_from(Map& m, uint64_t size) {
  m.erase(m.lower_bound((size + ps - 1) / ps), m.end());
}

}  // namespace

uint64_t sim_rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void sim_file_model::created(inode_key k) { files_[k] = file_state{}; }

void sim_file_model::observe(int fd, inode_key k) {
  if (files_.contains(k)) return;
  auto& st = files_[k];
  st.durable_size = st.floor_size = file_size(fd);
}

sim_file_model::file_state& sim_file_model::state(int fd, inode_key k) {
  observe(fd, k);
  return files_[k];
}

void sim_file_model::before_write(int fd, inode_key k, uint64_t pos, uint64_t len) {
  if (len == 0) return;
  auto& st = state(fd, k);
  for (uint64_t p = pos / ps; p <= (pos + len - 1) / ps; ++p) {
    const uint64_t off = p * ps;
    // Only the first write after a sync sees the durable bytes: save them then.
    if (off < st.durable_size && !st.saved.contains(p))
      st.saved[p] = read_bytes(fd, off, std::min(ps, st.durable_size - off));
    // Same for each sync in flight: it must make durable what the page held
    // when it was submitted, not what later writes put there.
    for (auto& [ticket, snap] : st.pending) {
      if (off < snap.size && !snap.pages.contains(p))
        snap.pages[p] = read_bytes(fd, off, std::min(ps, snap.size - off));
    }
  }
}

void sim_file_model::after_write(inode_key k, uint64_t pos, uint64_t written) {
  auto it = files_.find(k);
  if (written == 0 || it == files_.end()) return;
  auto& st = it->second;
  ++seq_;
  for (uint64_t p = pos / ps; p <= (pos + written - 1) / ps; ++p) st.dirty[p] = seq_;
  st.last_pos = pos;
  st.last_len = written;
  st.last_seq = seq_;
}

void sim_file_model::resized(int fd, inode_key k, uint64_t new_size) {
  auto& st = state(fd, k);
  st.floor_size = new_size;
  if (new_size >= st.durable_size) return;  // growth: only the floor moves
  // Shrinking below the durable size cuts durable content for good.
  st.durable_size = new_size;
  drop_pages_from(st.saved, new_size);
  drop_pages_from(st.dirty, new_size);
  if (auto last = st.saved.find(new_size / ps); last != st.saved.end())
    last->second.resize(std::min<uint64_t>(last->second.size(), new_size % ps));
  st.last_len = std::min(st.last_len, new_size - std::min(new_size, st.last_pos));
  for (auto& [ticket, snap] : st.pending) {
    if (snap.size <= new_size) continue;
    snap.size = new_size;
    drop_pages_from(snap.pages, new_size);
    if (auto last = snap.pages.find(new_size / ps); last != snap.pages.end())
      last->second.resize(std::min<uint64_t>(last->second.size(), new_size % ps));
  }
}

uint64_t sim_file_model::sync_submitted(int fd, inode_key k) {
  auto& st = state(fd, k);
  const uint64_t ticket = next_ticket_++;
  auto& snap = st.pending[ticket];
  snap.seq = seq_;
  snap.size = file_size(fd);
  return ticket;
}

void sim_file_model::sync_delivered(inode_key k, uint64_t ticket) {
  auto it = files_.find(k);
  if (it == files_.end()) return;
  auto& st = it->second;
  auto node = st.pending.extract(ticket);
  // Missing: a later sync was delivered first and covered this one.
  if (node.empty() || node.mapped().seq < st.synced_seq) return;
  pending_sync& snap = node.mapped();

  // Pages written after submission stay dirty; their durable bytes are now the
  // ones they held at submission.
  std::map<uint64_t, page_bytes> saved;
  std::map<uint64_t, uint64_t> dirty;
  for (const auto& [p, seq] : st.dirty) {
    if (seq <= snap.seq) continue;
    dirty[p] = seq;
    if (auto s = snap.pages.find(p); s != snap.pages.end()) saved[p] = std::move(s->second);
  }
  st.saved = std::move(saved);
  st.dirty = std::move(dirty);
  st.durable_size = snap.size;
  st.floor_size = std::max(st.floor_size, snap.size);
  if (st.last_seq <= snap.seq) st.last_len = 0;
  st.synced_seq = snap.seq;
  std::erase_if(st.pending, [&](const auto& e) { return e.second.seq < snap.seq; });
}

void sim_file_model::sync_failed(inode_key k, uint64_t ticket) {
  if (auto it = files_.find(k); it != files_.end()) it->second.pending.erase(ticket);
}

std::error_code sim_file_model::crash_file(const std::string& path, inode_key k, sim_rng& rng,
                                           double keep_p) {
  auto it = files_.find(k);
  if (it == files_.end()) return {};
  const file_state& st = it->second;
  if (st.dirty.empty() && st.last_len == 0) return {};
  file_handle fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return error_from_errno(errno);
  const uint64_t n = file_size(fd.get());

  // The last write is torn at a random byte: [torn_lo, torn_hi) never landed.
  uint64_t torn_lo = n, torn_hi = n;
  if (st.last_len > 0) {
    torn_lo = std::min(n, st.last_pos + rng.below(st.last_len + 1));
    torn_hi = std::min(n, st.last_pos + st.last_len);
  }
  std::vector<std::pair<uint64_t, uint64_t>> revert;  // byte ranges that did not land
  uint64_t kept_end = 0;
  for (const auto& [p, seq] : st.dirty) {
    const uint64_t lo = p * ps, hi = std::min(n, lo + ps);
    if (lo >= hi) continue;
    if (rng.unit() >= keep_p) {
      revert.emplace_back(lo, hi);
      continue;
    }
    if (torn_lo < torn_hi && torn_lo < hi && lo < torn_hi) {  // kept, minus the torn part
      if (torn_hi < hi)
        kept_end = std::max(kept_end, hi);
      else if (lo < torn_lo)
        kept_end = std::max(kept_end, torn_lo);
    } else {
      kept_end = std::max(kept_end, hi);
    }
  }
  if (torn_lo < torn_hi) revert.emplace_back(torn_lo, torn_hi);

  // Unsynced bytes past everything kept are cut off; the rest become what the
  // disk held at the last sync (saved pages) or a hole of zeros above it.
  const uint64_t final_size = std::min(n, std::max(st.floor_size, kept_end));
  static const std::array<std::byte, ps> zeros{};
  for (auto [a, b] : revert) {
    b = std::min(b, final_size);
    for (uint64_t pos = a; pos < b;) {
      const uint64_t p = pos / ps, page_end = std::min(b, (p + 1) * ps);
      const uint64_t in_page = pos - p * ps;
      std::error_code ec;
      if (pos < st.durable_size) {
        auto s = st.saved.find(p);
        const uint64_t end = std::min(page_end, st.durable_size);
        if (s != st.saved.end() && in_page < s->second.size())
          ec = pwrite_all(fd.get(), s->second.data() + in_page,
                          std::min<uint64_t>(end - pos, s->second.size() - in_page), pos);
        pos = end;  // no saved copy: the page was never overwritten, it is durable
      } else {
        ec = pwrite_all(fd.get(), zeros.data(), page_end - pos, pos);
        pos = page_end;
      }
      if (ec) return ec;
    }
  }
  if (final_size < n && ::ftruncate(fd.get(), static_cast<off_t>(final_size)) != 0)
    return error_from_errno(errno);
  return {};
}

}  // namespace sluice::test
