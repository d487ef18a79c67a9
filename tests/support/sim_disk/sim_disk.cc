#include "tests/support/sim_disk/sim_disk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "log/io/errno_map.h"
#include "tests/support/sim_disk/sim_dir_model.h"
#include "tests/support/sim_disk/sim_file_model.h"

namespace sluice::test {

// The engine's I/O vocabulary, used throughout.
using namespace sluice::log;
using namespace sluice::log::io;
namespace {

bool fd_key(int fd, inode_key* k) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *k = {st.st_dev, st.st_ino};
  return true;
}

bool is_empty_dir(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_empty(path, ec) && !ec;
}

}  // namespace

struct sim_disk::completion {
  io_op* op = nullptr;
  int32_t res = 0;
  clock::time_point due{};
  // Syncs only: the model is told when the completion is delivered, so a sync
  // whose completion never reached the caller has not made anything durable.
  bool is_sync = false;
  bool model = false;
  inode_key key{};
  uint64_t ticket = 0;
  int fd = -1;
  clock::time_point submitted{};
};

sim_disk::sim_disk(const std::string& root, uint64_t seed)
    : files_(std::make_unique<sim_file_model>()),
      dirs_(std::make_unique<sim_dir_model>(root)),
      rng_(std::make_unique<sim_rng>(seed)),
      timer_fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
  if (!timer_fd_.valid()) throw std::system_error(errno, std::generic_category(), "timerfd");
}

// The stash only serves a crash() that can no longer come; the engine (or the
// next sim_disk on this root) should see the directory tree alone.
sim_disk::~sim_disk() {
  std::error_code ec;
  std::filesystem::remove_all(dirs_->stash(), ec);
}

// ---- configuration and inspection ----

void sim_disk::fail_nth_write(uint64_t n, int err) {
  std::lock_guard lk(mu_);
  write_countdown_ = n;
  write_errno_ = err;
}

void sim_disk::set_space_left(std::optional<uint64_t> bytes) {
  std::lock_guard lk(mu_);
  space_left_ = bytes;
}

std::optional<uint64_t> sim_disk::space_left() const {
  std::lock_guard lk(mu_);
  return space_left_;
}

uint64_t sim_disk::fit_in_space(int fd, uint64_t pos, uint64_t len) {
  if (!space_left_) return len;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return len;  // a bad fd fails in the real call
  const auto size = static_cast<uint64_t>(st.st_size);
  const uint64_t room_end = size + *space_left_;  // no byte may land at or past it
  const uint64_t fits = pos >= room_end ? 0 : std::min(len, room_end - pos);
  const uint64_t end = pos + fits;
  if (end > size) *space_left_ -= end - size;
  return fits;
}

void sim_disk::fail_nth_sync(uint64_t n, int err) {
  std::lock_guard lk(mu_);
  sync_countdown_ = n;
  sync_errno_ = err;
}

void sim_disk::set_short_write_probability(double p) {
  std::lock_guard lk(mu_);
  short_write_p_ = p;
}

void sim_disk::set_retry_error_probability(double p) {
  std::lock_guard lk(mu_);
  retry_error_p_ = p;
}

void sim_disk::set_sync_delay(clock::duration min, clock::duration max) {
  std::lock_guard lk(mu_);
  sync_delay_min_ = min;
  sync_delay_max_ = std::max(min, max);
}

void sim_disk::set_crash_keep_probability(double p) {
  std::lock_guard lk(mu_);
  keep_p_ = p;
}

void sim_disk::set_real_syncs(bool on) {
  std::lock_guard lk(mu_);
  real_syncs_ = on;
}

sim_disk::counters sim_disk::stats() const {
  std::lock_guard lk(mu_);
  return counters_;
}

std::vector<sim_disk::sync_event> sim_disk::sync_events() const {
  std::lock_guard lk(mu_);
  return sync_events_;
}

const std::string& sim_disk::root() const { return dirs_->root(); }

size_t sim_disk::in_flight() const {
  std::lock_guard lk(mu_);
  return queue_.size();
}

// ---- helpers ----

std::string sim_disk::normalize(const std::string& path) const {
  std::filesystem::path p(path);
  if (p.is_relative()) {
    std::error_code ec;
    p = std::filesystem::current_path(ec) / p;
  }
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string sim_disk::parent_of(const std::string& path) const {
  return std::filesystem::path(path).parent_path().string();
}

bool sim_disk::take_fault(uint64_t& countdown) { return countdown > 0 && --countdown == 0; }

int32_t sim_disk::datasync(int fd) {
  if (!real_syncs_) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? 0 : -errno;
  }
  int32_t res = 0;
  do res = posix_backend::fdatasync_once(fd);
  while (res == -EINTR);
  return res;
}

void sim_disk::enqueue(completion c) {
  queue_.push_back(c);
  if (armed_for_ == clock::time_point{} || c.due < armed_for_) {
    armed_for_ = c.due;
    arm_timer();
  }
}

void sim_disk::arm_timer() {
  // Absolute CLOCK_MONOTONIC, which is what steady_clock reads on Linux; a time
  // already past fires at once, and zero disarms.
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(armed_for_.time_since_epoch()).count();
  itimerspec its{};
  its.it_value.tv_sec = ns / 1'000'000'000;
  its.it_value.tv_nsec = ns % 1'000'000'000;
  ::timerfd_settime(timer_fd_.get(), TFD_TIMER_ABSTIME, &its, nullptr);
}

// The crash precondition, checked rather than trusted: an fd or a mapping still
// open under the root means the "dead" process is still writing.
bool sim_disk::files_open_under_root() const {
  const std::string& root = dirs_->root();
  auto under = [&](std::string_view p) {
    return p.starts_with(root) && (p.size() == root.size() || p[root.size()] == '/');
  };
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code link_ec;
    const auto target = std::filesystem::read_symlink(it->path(), link_ec);
    if (!link_ec && under(target.string())) return true;
  }
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.find('/');
    if (slash != std::string::npos && under(std::string_view(line).substr(slash))) return true;
  }
  return false;
}

// ---- synchronous file-system calls ----

result<file_handle> sim_disk::open(const std::string& path, open_mode mode) {
  std::lock_guard lk(mu_);
  const std::string np = normalize(path);
  const bool creating = mode == open_mode::create_read_write || mode == open_mode::create_exclusive;
  bool existed = true;
  if (creating && dirs_->covers(np)) {
    dirs_->see(parent_of(np));  // before the new name appears in it
    struct stat st {};
    existed = ::lstat(np.c_str(), &st) == 0;
  }
  auto r = fs_.open(path, mode);
  inode_key k;
  if (r && fd_key(r->get(), &k)) {
    if (existed)
      files_->observe(r->get(), k);
    else
      files_->created(k);
  }
  return r;
}

std::error_code sim_disk::create_dir(const std::string& path) {
  std::lock_guard lk(mu_);
  const std::string np = normalize(path);
  if (!dirs_->covers(np)) return fs_.create_dir(path);
  dirs_->see(parent_of(np));
  const auto ec = fs_.create_dir(path);
  if (!ec) dirs_->see(np);  // a new directory: durable listing is empty
  return ec;
}

std::error_code sim_disk::rename(const std::string& from, const std::string& to) {
  std::lock_guard lk(mu_);
  const std::string nf = normalize(from), nt = normalize(to);
  if (!dirs_->covers(nf) || !dirs_->covers(nt) || nf == dirs_->root() || nt == dirs_->root())
    return fs_.rename(from, to);
  dirs_->see(parent_of(nf));
  dirs_->see(parent_of(nt));
  struct stat sf {
  }, stt{};
  if (::lstat(nf.c_str(), &sf) != 0 || ::lstat(nt.c_str(), &stt) != 0 ||
      (sf.st_dev == stt.st_dev && sf.st_ino == stt.st_ino))
    return fs_.rename(from, to);  // nothing replaced (or the kernel's own error)
  // The replaced inode must stay reachable so that a crash can bring it back.
  if (!S_ISDIR(stt.st_mode)) {
    if (S_ISDIR(sf.st_mode)) return fs_.rename(from, to);  // ENOTDIR, from the kernel
    if (auto ec = dirs_->stash_link(nt)) return ec;
    return fs_.rename(from, to);
  }
  if (!S_ISDIR(sf.st_mode) || !is_empty_dir(nt)) return fs_.rename(from, to);  // refused
  std::string stashed;
  if (auto ec = dirs_->move_to_stash(nt, &stashed)) return ec;
  const auto ec = fs_.rename(from, to);
  if (ec) ::rename(stashed.c_str(), nt.c_str());  // put the empty target back
  return ec;
}

std::error_code sim_disk::remove(const std::string& path) {
  std::lock_guard lk(mu_);
  const std::string np = normalize(path);
  if (!dirs_->covers(np) || np == dirs_->root()) return fs_.remove(path);
  dirs_->see(parent_of(np));
  struct stat st {};
  if (::lstat(np.c_str(), &st) != 0) return error_from_errno(errno);
  if (S_ISDIR(st.st_mode)) {
    if (!is_empty_dir(np)) return fs_.remove(path);  // ENOTEMPTY, from the kernel
    dirs_->see(np);
  }
  return dirs_->move_to_stash(np);
}

std::error_code sim_disk::remove_all(const std::string& path) {
  std::lock_guard lk(mu_);
  const std::string np = normalize(path);
  if (!dirs_->covers(np)) return fs_.remove_all(path);
  if (np == dirs_->root()) return make_error_code(errc::invalid_argument);  // holds the stash
  dirs_->see(parent_of(np));
  struct stat st {};
  if (::lstat(np.c_str(), &st) != 0) return {};  // nothing there, as with rm -rf
  if (S_ISDIR(st.st_mode)) dirs_->see_tree(np);
  return dirs_->move_to_stash(np);
}

std::error_code sim_disk::sync_dir(const std::string& path) {
  std::lock_guard lk(mu_);
  std::error_code ec;
  if (real_syncs_) {
    ec = fs_.sync_dir(path);
  } else {
    file_handle dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) ec = error_from_errno(errno);
  }
  const std::string np = normalize(path);
  if (!ec && dirs_->covers(np)) {
    for (const auto& k : dirs_->synced(np)) files_->forget(k);
  }
  return ec;
}

std::error_code sim_disk::truncate(int fd, uint64_t size) {
  std::lock_guard lk(mu_);
  struct stat st {};
  if (space_left_ && ::fstat(fd, &st) == 0) {
    const auto cur = static_cast<uint64_t>(st.st_size);
    if (size > cur && size - cur > *space_left_) return error_from_errno(ENOSPC);
    if (size < cur) *space_left_ += cur - size;
    if (size > cur) *space_left_ -= size - cur;
  }
  const auto ec = fs_.truncate(fd, size);
  inode_key k;
  if (!ec && fd_key(fd, &k)) files_->resized(fd, k, size);
  return ec;
}

std::error_code sim_disk::allocate(int fd, uint64_t size) {
  std::lock_guard lk(mu_);
  struct stat st {};
  const bool grows = ::fstat(fd, &st) == 0 && size > static_cast<uint64_t>(st.st_size);
  if (grows && space_left_) {
    const uint64_t growth = size - static_cast<uint64_t>(st.st_size);
    if (growth > *space_left_) return error_from_errno(ENOSPC);
    *space_left_ -= growth;
  }
  const auto ec = fs_.allocate(fd, size);
  inode_key k;
  if (!ec && grows && fd_key(fd, &k)) files_->resized(fd, k, size);
  return ec;
}

std::error_code sim_disk::write_at(int fd, uint64_t pos, std::span<const std::byte> data) {
  std::lock_guard lk(mu_);
  ++counters_.writes;
  if (take_fault(write_countdown_)) {
    ++counters_.failed_writes;
    ++counters_.injected_faults;
    return error_from_errno(write_errno_);
  }
  const uint64_t fits = fit_in_space(fd, pos, data.size());
  const bool full = fits < data.size();
  data = data.first(fits);
  inode_key k;
  const bool tracked = fd_key(fd, &k);
  if (tracked) files_->before_write(fd, k, pos, data.size());
  const auto ec = fs_.write_at(fd, pos, data);
  // On an error, how much landed is unknown: counting all of it as written is
  // safe, since a page that did not change is restored to what it already is.
  if (tracked) files_->after_write(k, pos, data.size());
  if (!ec && full) return error_from_errno(ENOSPC);  // write_at retries a short write
  return ec;
}

std::error_code sim_disk::sync(int fd) {
  std::lock_guard lk(mu_);
  ++counters_.syncs;
  const auto now = clock::now();
  int32_t res = 0;
  if (take_fault(sync_countdown_)) {
    ++counters_.failed_syncs;
    ++counters_.injected_faults;
    res = -sync_errno_;
  } else {
    inode_key k;
    const bool tracked = fd_key(fd, &k);
    const uint64_t ticket = tracked ? files_->sync_submitted(fd, k) : 0;
    res = datasync(fd);
    if (tracked && res == 0) files_->sync_delivered(k, ticket);
    if (tracked && res != 0) files_->sync_failed(k, ticket);
  }
  sync_events_.push_back({nullptr, fd, res, now, clock::now()});
  return error_from_errno(-res);
}

// ---- asynchronous data path ----

void sim_disk::submit_write(int fd, uint64_t pos, std::span<const iovec> iov, io_op* op) {
  std::lock_guard lk(mu_);
  ++counters_.writes;
  completion c{.op = op, .due = clock::now()};
  if (take_fault(write_countdown_)) {
    ++counters_.failed_writes;
    ++counters_.injected_faults;
    c.res = -write_errno_;
    return enqueue(c);
  }
  if (retry_error_p_ > 0 && rng_->unit() < retry_error_p_) {
    ++counters_.retry_errors;
    ++counters_.injected_faults;
    c.res = rng_->below(2) == 0 ? -EINTR : -EAGAIN;
    return enqueue(c);
  }
  uint64_t total = 0;
  for (const auto& v : iov) total += v.iov_len;
  uint64_t len = total;
  if (short_write_p_ > 0 && total >= 2 && rng_->unit() < short_write_p_) {
    len = 1 + rng_->below(total - 1);  // a proper, non-empty prefix
    ++counters_.short_writes;
    ++counters_.injected_faults;
  }
  len = fit_in_space(fd, pos, len);
  if (len == 0 && total > 0) {
    ++counters_.failed_writes;
    c.res = -ENOSPC;
    return enqueue(c);
  }
  std::vector<iovec> prefix;
  if (len < total) {
    for (uint64_t left = len; left > 0; left -= prefix.back().iov_len) {
      const iovec& v = iov[prefix.size()];
      prefix.push_back({v.iov_base, std::min<uint64_t>(v.iov_len, left)});
    }
    iov = prefix;
  }
  inode_key k;
  const bool tracked = fd_key(fd, &k);
  if (tracked) files_->before_write(fd, k, pos, len);
  c.res = posix_backend::pwritev_once(fd, pos, iov);
  if (tracked && c.res > 0) files_->after_write(k, pos, static_cast<uint64_t>(c.res));
  enqueue(c);
}

void sim_disk::submit_datasync(int fd, io_op* op) {
  std::lock_guard lk(mu_);
  ++counters_.syncs;
  const auto now = clock::now();
  completion c{.op = op, .due = now, .is_sync = true, .fd = fd, .submitted = now};
  if (sync_delay_max_ > clock::duration::zero()) {
    const auto span = static_cast<uint64_t>((sync_delay_max_ - sync_delay_min_).count());
    c.due += sync_delay_min_ + clock::duration(static_cast<clock::rep>(rng_->below(span + 1)));
  }
  if (take_fault(sync_countdown_)) {
    ++counters_.failed_syncs;
    ++counters_.injected_faults;
    c.res = -sync_errno_;
    return enqueue(c);
  }
  c.model = fd_key(fd, &c.key);
  if (c.model) c.ticket = files_->sync_submitted(fd, c.key);
  c.res = datasync(fd);
  if (c.model && c.res != 0) {
    files_->sync_failed(c.key, c.ticket);
    c.model = false;
  }
  enqueue(c);
}

size_t sim_disk::poll() {
  std::vector<std::pair<io_op*, int32_t>> ready;
  {
    std::lock_guard lk(mu_);
    uint64_t expirations = 0;
    [[maybe_unused]] const ssize_t n = ::read(timer_fd_.get(), &expirations, sizeof expirations);
    const auto now = clock::now();
    std::vector<completion> later;
    clock::time_point next{};
    for (auto& c : queue_) {
      if (c.due > now) {
        if (next == clock::time_point{} || c.due < next) next = c.due;
        later.push_back(c);
        continue;
      }
      if (c.is_sync) {
        if (c.model) files_->sync_delivered(c.key, c.ticket);
        sync_events_.push_back({c.op, c.fd, c.res, c.submitted, clock::now()});
      }
      ready.emplace_back(c.op, c.res);
    }
    queue_.swap(later);
    // A one-shot timer that fired has disarmed itself: only a timer set for a
    // time still ahead, or a new earliest due time, needs the system call.
    if (next == clock::time_point{} && armed_for_ <= now) {
      armed_for_ = {};
    } else if (next != armed_for_) {
      armed_for_ = next;
      arm_timer();
    }
  }
  // Outside the lock: a completion may submit more work.
  for (auto& [op, res] : ready) op->complete(res);
  return ready.size();
}

size_t sim_disk::wait() {
  for (;;) {
    if (const size_t n = poll(); n > 0) return n;
    clock::time_point next;
    {
      std::lock_guard lk(mu_);
      if (queue_.empty()) return 0;
      next = queue_.front().due;
      for (const auto& c : queue_) next = std::min(next, c.due);
    }
    std::this_thread::sleep_until(next);
  }
}

// ---- power loss ----

std::error_code sim_disk::crash() {
  std::lock_guard lk(mu_);
  if (files_open_under_root()) return make_error_code(errc::invalid_argument);
  queue_.clear();  // the io_ops died with the process
  armed_for_ = {};
  arm_timer();
  std::vector<std::pair<std::string, inode_key>> files;
  auto ec = dirs_->rebuild(&files);
  std::set<inode_key> done;
  for (const auto& [path, k] : files) {
    if (!done.insert(k).second) continue;  // a second name of the same inode
    if (auto e = files_->crash_file(path, k, *rng_, keep_p_); e && !ec) ec = e;
  }
  files_->clear();
  dirs_->reset();
  ++counters_.crashes;
  return ec;
}

}  // namespace sluice::test
