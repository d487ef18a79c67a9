#include "tests/support/power_cut_backend.h"

namespace sluice::test {
namespace {

// What a dead process gets from a file-system call it should not be making.
std::error_code dead() { return log::make_error_code(log::errc::io_error); }

}  // namespace

log::result<log::io::file_handle> power_cut_backend::open(const std::string& path,
                                                          log::io::open_mode mode) {
  if (cut_) return dead();
  auto r = real_.open(path, mode);
  const bool creating =
      mode == log::io::open_mode::create_exclusive || mode == log::io::open_mode::create_read_write;
  if (r && creating && observer_) observer_("create", path);
  return r;
}

std::error_code power_cut_backend::create_dir(const std::string& path) {
  return cut_ ? dead() : real_.create_dir(path);
}

std::error_code power_cut_backend::rename(const std::string& from, const std::string& to) {
  return cut_ ? dead() : real_.rename(from, to);
}

std::error_code power_cut_backend::remove(const std::string& path) {
  return cut_ ? dead() : real_.remove(path);
}

std::error_code power_cut_backend::remove_all(const std::string& path) {
  return cut_ ? dead() : real_.remove_all(path);
}

std::error_code power_cut_backend::sync_dir(const std::string& path) {
  if (cut_) return dead();
  auto ec = real_.sync_dir(path);
  if (!ec && observer_) observer_("sync_dir", path);
  return ec;
}

std::error_code power_cut_backend::truncate(int fd, uint64_t size) {
  return cut_ ? dead() : real_.truncate(fd, size);
}

std::error_code power_cut_backend::allocate(int fd, uint64_t size) {
  return cut_ ? dead() : real_.allocate(fd, size);
}

std::error_code power_cut_backend::write_at(int fd, uint64_t pos, std::span<const std::byte> data) {
  return cut_ ? dead() : real_.write_at(fd, pos, data);
}

std::error_code power_cut_backend::sync(int fd) { return cut_ ? dead() : real_.sync(fd); }

void power_cut_backend::submit_write(int fd, uint64_t pos, std::span<const iovec> iov,
                                     log::io::io_op* op) {
  if (!cut_) real_.submit_write(fd, pos, iov, op);  // else: dropped, never completes
}

void power_cut_backend::submit_datasync(int fd, log::io::io_op* op) {
  if (!cut_) real_.submit_datasync(fd, op);
}

void power_cut_backend::flush() {
  if (!cut_) real_.flush();
}

size_t power_cut_backend::poll() { return cut_ ? 0 : real_.poll(); }

size_t power_cut_backend::wait() { return cut_ ? 0 : real_.wait(); }

size_t power_cut_backend::in_flight() const { return cut_ ? 0 : real_.in_flight(); }

}  // namespace sluice::test
