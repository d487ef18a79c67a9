#pragma once
// stdin as lines, for commands that read it while other work goes on
// (produce's batches lingering, share consume's heartbeats): a pipe or a
// terminal is read asynchronously on the session's io_context, so waiting for
// input never blocks the executor; a regular file is read directly (it never
// makes us wait, and epoll takes no regular files). The first signal ends the
// input (session::on_stop).
//
// Ownership: borrows the session, which must outlive it. Thread: the session's.

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/streambuf.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "tools/commands/session.h"

namespace sluice::tools {

class stdin_lines {
 public:
  explicit stdin_lines(session& s);
  ~stdin_lines();
  stdin_lines(const stdin_lines&) = delete;
  stdin_lines& operator=(const stdin_lines&) = delete;

  // The next line without its '\n' (a last line without one still counts),
  // valid until the next call; nullopt at end of input, after a signal or
  // after a read error, which error() then names.
  awaitable<std::optional<std::string_view>> next();
  const std::string& error() const noexcept { return error_; }

 private:
  session& s_;
  std::optional<boost::asio::posix::stream_descriptor> in_;  // none: a regular file
  boost::asio::streambuf buf_;
  std::string line_;
  bool ended_ = false;
  std::string error_;
};

}  // namespace sluice::tools
