#include "log/io/posix_backend.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>

#include "log/io/errno_map.h"

namespace sluice::log::io {
namespace {

std::error_code last_error() { return error_from_errno(errno); }

int open_flags(open_mode mode) {
  switch (mode) {
    case open_mode::read_only:
      return O_RDONLY;
    case open_mode::read_write:
      return O_RDWR;
    case open_mode::create_read_write:
      return O_RDWR | O_CREAT;
    case open_mode::create_exclusive:
      return O_RDWR | O_CREAT | O_EXCL;
  }
  return O_RDONLY;
}

// Retries a system call interrupted by a signal; every other result is final.
template <class F>
auto retry_eintr(F f) {
  for (;;) {
    auto r = f();
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

posix_backend::posix_backend() : event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!event_fd_.valid()) throw std::system_error(errno, std::generic_category(), "eventfd");
}

result<file_handle> posix_backend::open(const std::string& path, open_mode mode) {
  const int fd =
      retry_eintr([&] { return ::open(path.c_str(), open_flags(mode) | O_CLOEXEC, 0644); });
  if (fd < 0) return last_error();
  return file_handle(fd);
}

std::error_code posix_backend::create_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0) return {};
  if (errno != EEXIST) return last_error();
  // "Exists" is only fine when what exists is a directory.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
  return error_from_errno(EEXIST);
}

std::error_code posix_backend::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return last_error();
  return {};
}

std::error_code posix_backend::remove(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return {};
  // Linux answers EISDIR for a directory, POSIX allows EPERM.
  if (errno != EISDIR && errno != EPERM) return last_error();
  if (::rmdir(path.c_str()) != 0) return last_error();
  return {};
}

std::error_code posix_backend::remove_all(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);  // a missing path is not an error, as with rm -rf
  return ec ? error_from_errno(ec.value()) : std::error_code{};
}

std::error_code posix_backend::sync_dir(const std::string& path) {
  const int fd =
      retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
  if (fd < 0) return last_error();
  file_handle dir(fd);
  if (::fsync(dir.get()) != 0) return last_error();
  return {};
}

std::error_code posix_backend::truncate(int fd, uint64_t size) {
  if (retry_eintr([&] { return ::ftruncate(fd, static_cast<off_t>(size)); }) != 0)
    return last_error();
  return {};
}

std::error_code posix_backend::allocate(int fd, uint64_t size) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return last_error();
  const auto cur = static_cast<uint64_t>(st.st_size);
  if (size <= cur) return {};  // never shrinks: the caller trims with truncate()
  const int rc = retry_eintr(
      [&] { return ::fallocate(fd, 0, static_cast<off_t>(cur), static_cast<off_t>(size - cur)); });
  if (rc == 0) return {};
  // tmpfs before 3.5 and some FUSE file systems cannot preallocate; growing the
  // size still gives the caller a file it can mmap up to `size`.
  if (errno != EOPNOTSUPP && errno != ENOSYS) return last_error();
  return truncate(fd, size);
}

std::error_code posix_backend::write_at(int fd, uint64_t pos, std::span<const std::byte> data) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(pos));
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    if (n == 0) return error_from_errno(EIO);  // no progress: do not spin
    data = data.subspan(static_cast<size_t>(n));
    pos += static_cast<uint64_t>(n);
  }
  return {};
}

std::error_code posix_backend::sync(int fd) {
  // EINTR means the sync did not run, so repeating it is not fsyncgate's retry
  // of a failed sync; every other error is returned and never retried.
  if (retry_eintr([&] { return ::fdatasync(fd); }) != 0) return last_error();
  return {};
}

int32_t posix_backend::pwritev_once(int fd, uint64_t pos, std::span<const iovec> iov) {
  if (iov.size() > static_cast<size_t>(IOV_MAX)) return -EINVAL;  // as the kernel would say
  const ssize_t n =
      ::pwritev(fd, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(pos));
  return n < 0 ? -errno : static_cast<int32_t>(n);
}

int32_t posix_backend::fdatasync_once(int fd) { return ::fdatasync(fd) < 0 ? -errno : 0; }

void posix_backend::submit_write(int fd, uint64_t pos, std::span<const iovec> iov, io_op* op) {
  enqueue(op, pwritev_once(fd, pos, iov));
}

void posix_backend::submit_datasync(int fd, io_op* op) { enqueue(op, fdatasync_once(fd)); }

void posix_backend::enqueue(io_op* op, int32_t res) {
  ready_.emplace_back(op, res);
  if (!signalled_) {
    const uint64_t one = 1;
    // Cannot fail short of a bug: the counter is far from overflowing.
    [[maybe_unused]] const ssize_t n = ::write(event_fd_.get(), &one, sizeof one);
    signalled_ = true;
  }
}

size_t posix_backend::poll() {
  if (signalled_) {
    uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(event_fd_.get(), &count, sizeof count);
    signalled_ = false;
  }
  // Completions may submit more work; that lands in ready_ (and re-signals)
  // and is delivered by the next poll, so one poll always terminates.
  std::deque<std::pair<io_op*, int32_t>> batch;
  batch.swap(ready_);
  for (auto& [op, res] : batch) op->complete(res);
  return batch.size();
}

size_t posix_backend::wait() { return ready_.empty() ? 0 : poll(); }

}  // namespace sluice::log::io
