#include "tools/file_follower.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sluice::tools {
namespace {

// A line longer than this is handed out in pieces rather than buffered forever.
constexpr size_t max_line = 1 << 20;

std::string errno_text() { return std::strerror(errno); }

std::string read_prefix(int fd, size_t n) {
  std::string out(n, '\0');
  ssize_t got = ::pread(fd, out.data(), n, 0);
  out.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return out;
}

}  // namespace

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

unique_fd::~unique_fd() {
  if (fd_ >= 0) ::close(fd_);
}

file_follower::file_follower(std::string path, std::string state_path)
    : path_(std::move(path)), state_path_(std::move(state_path)) {
  start_watch();
}

void file_follower::start_watch() {
  unique_fd w(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!w) return;  // no inotify: polls alone
  size_t slash = path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
  if (::inotify_add_watch(w.get(), dir.c_str(),
                          IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_MODIFY | IN_DELETE) < 0)
    return;
  watch_ = std::move(w);
}

bool file_follower::known(uint64_t device, uint64_t inode) const {
  if (fd_ && device == device_ && inode == inode_) return true;
  return std::ranges::any_of(
      queued_, [&](const queued_file& q) { return q.device == device && q.inode == inode; });
}

void file_follower::notice_rotations() {
  if (watch_) {  // drain: the events only say "look now"
    alignas(inotify_event) char events[4096];
    while (::read(watch_.get(), events, sizeof events) > 0) {
    }
  }
  if (!fd_) return;  // open()/poll() take the path's file as the current one
  unique_fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  if (known(st.st_dev, st.st_ino)) return;
  queued_.push_back(
      {std::move(fd), static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
}

bool file_follower::fingerprint_matches(int fd, const follow_state& s) const {
  std::string prefix = read_prefix(fd, s.fingerprint_length);
  return prefix.size() == s.fingerprint_length && fnv1a64(prefix) == s.fingerprint;
}

status file_follower::switch_to(unique_fd fd, const struct ::stat& st, int64_t position) {
  fd_ = std::move(fd);
  device_ = st.st_dev, inode_ = st.st_ino;
  read_ = consumed_ = position;
  buffer_.clear();
  return ok;
}

status file_follower::open_path(int64_t position) {
  unique_fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return ok;  // not there yet: poll() keeps looking
    return fail("cannot open " + path_ + ": " + errno_text());
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return fail("cannot stat " + path_ + ": " + errno_text());
  if (!S_ISREG(st.st_mode)) return fail(path_ + " is not a regular file");
  return switch_to(std::move(fd), st, std::min<int64_t>(position, st.st_size));
}

status file_follower::open() {
  auto loaded = load_follow_state(state_path_);
  if (!loaded) return loaded.error();
  if (!*loaded) return open_path(0);
  const follow_state s = **loaded;

  // The file at the path, if it is the one the state names.
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0 && st.st_dev == s.device && st.st_ino == s.inode) {
    unique_fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd && fingerprint_matches(fd.get(), s))
      return switch_to(std::move(fd), st,
                       st.st_size < s.position ? 0 : s.position);  // truncated: 0
    return open_path(0);  // same inode, other content: a new file
  }
  // Rotated while we were down: look for the inode beside the path, finish it
  // first (poll() moves on to the path once it is read to its end).
  size_t slash = path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
  if (DIR* d = ::opendir(dir.c_str())) {
    std::string found;
    while (dirent* e = ::readdir(d)) {
      std::string candidate = dir + "/" + e->d_name;
      struct stat cst;
      if (e->d_ino == s.inode && ::stat(candidate.c_str(), &cst) == 0 && cst.st_dev == s.device &&
          cst.st_ino == s.inode && S_ISREG(cst.st_mode)) {
        found = candidate;
        break;
      }
    }
    ::closedir(d);
    if (!found.empty()) {
      unique_fd fd(::open(found.c_str(), O_RDONLY | O_CLOEXEC));
      struct stat fst;
      if (fd && ::fstat(fd.get(), &fst) == 0 && fingerprint_matches(fd.get(), s) &&
          fst.st_size >= s.position)
        return switch_to(std::move(fd), fst, s.position);
    }
  }
  return open_path(0);
}

void file_follower::take_lines(std::vector<std::string>& out, size_t max_lines, size_t max_bytes) {
  size_t start = 0, bytes = 0;
  while (out.size() < max_lines && bytes < max_bytes) {
    size_t nl = buffer_.find('\n', start);
    if (nl == std::string::npos) {
      if (buffer_.size() - start < max_line) break;
      nl = start + max_line;  // an endless line: hand out a piece
      out.emplace_back(buffer_, start, max_line);
      bytes += max_line, start = nl;
      continue;
    }
    out.emplace_back(buffer_, start, nl - start);
    bytes += nl - start + 1, start = nl + 1;
  }
  buffer_.erase(0, start);
  consumed_ += static_cast<int64_t>(start);
}

result<std::vector<std::string>> file_follower::poll(size_t max_lines, size_t max_bytes) {
  std::vector<std::string> lines;
  if (!fd_) {
    if (auto s = open_path(0); !s) return s.error();
    if (!fd_) return lines;
  }
  notice_rotations();  // a file at the path now is queued before a rename can hide it
  // Read what the file has beyond read_, then hand out complete lines.
  auto read_more = [&]() -> status {
    char chunk[65536];
    while (buffer_.size() < max_bytes + max_line) {
      ssize_t n = ::pread(fd_.get(), chunk, sizeof chunk, read_);
      if (n < 0) return fail("cannot read " + path_ + ": " + errno_text());
      if (n == 0) break;
      buffer_.append(chunk, static_cast<size_t>(n));
      read_ += n;
    }
    return ok;
  };
  if (auto s = read_more(); !s) return s.error();
  take_lines(lines, max_lines, max_bytes);
  if (!lines.empty()) return lines;

  // At the end of what we hold. Truncated in place?
  struct stat own;
  if (::fstat(fd_.get(), &own) != 0) return fail("cannot stat " + path_ + ": " + errno_text());
  if (own.st_size < read_) {
    read_ = consumed_ = 0;
    buffer_.clear();
    if (auto s = commit(); !s) return s.error();
    return lines;
  }
  // Rotated: the path names another file (or none, until it is recreated),
  // or a file already came and went behind this one.
  notice_rotations();
  if (queued_.empty()) return lines;
  // A writer may still have appended to the old file before it let go of it.
  if (auto s = read_more(); !s) return s.error();
  take_lines(lines, max_lines, max_bytes);
  if (!lines.empty()) return lines;
  if (!buffer_.empty()) {  // the old file's last line has no '\n' and never will
    lines.push_back(std::move(buffer_));
    consumed_ = read_;
    buffer_.clear();
    return lines;
  }
  // Everything of the old file is out and (by the contract) committed: on
  // to the next one, in the order they appeared at the path.
  queued_file next = std::move(queued_.front());
  queued_.erase(queued_.begin());
  struct stat st;
  if (::fstat(next.fd.get(), &st) != 0) return fail("cannot stat " + path_ + ": " + errno_text());
  if (auto s = switch_to(std::move(next.fd), st, 0); !s) return s.error();
  if (auto s = commit(); !s) return s.error();
  return poll(max_lines, max_bytes);
}

follow_state file_follower::current_state() const {
  follow_state s;
  s.device = device_, s.inode = inode_, s.position = consumed_;
  s.fingerprint_length = static_cast<uint32_t>(std::min<int64_t>(consumed_, fingerprint_max));
  s.fingerprint = fnv1a64(read_prefix(fd_.get(), s.fingerprint_length));
  return s;
}

status file_follower::commit() {
  if (!fd_) return ok;
  return save_follow_state(state_path_, current_state());
}

}  // namespace sluice::tools
