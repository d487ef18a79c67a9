#pragma once
// Reads complete lines from a file that keeps growing, as `tail -F` does, for
// `sluice produce --follow`. It survives:
//   - rotation (the file renamed and a new one created at the path): the old
//     file is read to its end first, then the new one from its start;
//   - truncation (copytruncate: size drops below our position): the file is
//     read again from byte 0;
//   - rotations faster than the poll interval (the path renamed twice before
//     we look): every file seen at the path is opened at once and queued, so
//     each is read to its end in turn. With inotify (Linux) the directory is
//     watched and a new file at the path is opened when it appears, not at
//     the next poll; without it, only files seen by a poll are queued;
//   - restarts: commit() saves the position after the lines last returned
//     (follow_state.h); open() resumes there, finding the file by device and
//     inode even when it was rotated to another name in the same directory
//     while we were down.
//
// Contract with the caller (what makes "nothing lost, nothing twice" hold):
// poll() returns lines of one file only; the caller ships them, waits for the
// broker's acknowledgement, then calls commit() before the next poll().
//
// Single-threaded; owns one file descriptor (RAII).

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tools/follow_state.h"
#include "tools/result.h"

namespace sluice::tools {

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
  unique_fd& operator=(unique_fd&& o) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

class file_follower {
 public:
  file_follower(std::string path, std::string state_path);

  // Loads the state (if any) and opens the file to resume. A missing file is
  // not an error: poll() waits for it to appear.
  status open();

  // Up to max_lines complete lines (without '\n'), all from one file. Empty
  // when nothing new is there yet; the caller sleeps and polls again.
  result<std::vector<std::string>> poll(size_t max_lines = 1000, size_t max_bytes = 1 << 20);

  // Saves the position just after the lines poll() last returned.
  status commit();

  // The inotify descriptor watching the file's directory (readable when
  // something happened to the path), or -1 without inotify.
  int change_fd() const { return watch_.get(); }
  // Takes inotify's news and opens a file newly at the path (queued behind
  // the one being read). Cheap; the caller calls it when change_fd() is
  // readable and while it waits for the broker.
  void notice_rotations();
  // Files opened behind the current one, not yet read.
  size_t queued_files() const { return queued_.size(); }

  int64_t position() const { return consumed_; }
  const std::string& state_path() const { return state_path_; }

 private:
  status open_path(int64_t position);
  status switch_to(unique_fd fd, const struct ::stat& st, int64_t position);
  bool fingerprint_matches(int fd, const follow_state& s) const;
  follow_state current_state() const;
  // Leaves complete lines (at most max_lines / max_bytes) in `out`.
  void take_lines(std::vector<std::string>& out, size_t max_lines, size_t max_bytes);

  // A file seen at the path after the current one, opened so that a later
  // rename cannot hide it.
  struct queued_file {
    unique_fd fd;
    uint64_t device = 0, inode = 0;
  };
  // Whether (device, inode) is the current or a queued file.
  bool known(uint64_t device, uint64_t inode) const;
  void start_watch();

  std::string path_, state_path_;
  unique_fd fd_;
  unique_fd watch_;  // inotify, or -1
  std::vector<queued_file> queued_;
  uint64_t device_ = 0, inode_ = 0;
  int64_t read_ = 0;      // bytes of the file read into buffer_ (or consumed)
  int64_t consumed_ = 0;  // bytes handed out as lines
  std::string buffer_;    // bytes in [consumed_, read_)
};

}  // namespace sluice::tools
