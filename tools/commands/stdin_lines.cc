#include "tools/commands/stdin_lines.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>

namespace sluice::tools {
namespace asio = boost::asio;

stdin_lines::stdin_lines(session& s) : s_(s) {
  struct stat st;
  if (::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) return;
  in_.emplace(s.io, ::dup(STDIN_FILENO));
  s_.on_stop = [this] { in_->cancel(); };
}

stdin_lines::~stdin_lines() {
  if (in_) s_.on_stop = nullptr;
}

awaitable<std::optional<std::string_view>> stdin_lines::next() {
  if (ended_) co_return std::nullopt;
  if (!in_) {
    if (!std::getline(std::cin, line_)) co_return std::nullopt;
    co_return std::string_view(line_);
  }
  auto [ec, n] =
      co_await asio::async_read_until(*in_, buf_, '\n', asio::as_tuple(asio::use_awaitable));
  const char* data = static_cast<const char*>(buf_.data().data());
  if (ec) {
    ended_ = true;
    if (ec == asio::error::operation_aborted) co_return std::nullopt;  // a signal
    if (ec != asio::error::eof) error_ = ec.message();
    if (buf_.size() == 0) co_return std::nullopt;
    line_.assign(data, buf_.size());  // a last line without '\n'
    buf_.consume(buf_.size());
    co_return std::string_view(line_);
  }
  line_.assign(data, n - 1);
  buf_.consume(n);
  co_return std::string_view(line_);
}

}  // namespace sluice::tools
