#pragma once
// A scripted Kafka peer on 127.0.0.1 for client unit tests: it accepts any
// number of connections, decodes each request header and lets the test
// choose the answer frames. Runs on the test's io_context (one thread).

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <vector>

#include "protocol/frame.h"
#include "protocol/messages/api_versions.h"

namespace sluice::client::test {

namespace asio = boost::asio;
using asio::ip::tcp;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct request_seen {
  protocol::api_key key;
  int16_t version;
  int32_t correlation_id;
  std::vector<std::byte> body;  // the request body, for decode_message
};

// A peer that reads request frames and lets the test decide each answer:
// the handler returns the response frame bytes to write (possibly none).
class scripted_peer {
 public:
  using handler = std::function<std::vector<std::vector<std::byte>>(const request_seen&)>;

  scripted_peer(asio::io_context& io, handler h)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        handler_(std::move(h)) {
    asio::co_spawn(io, serve(), asio::detached);
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<request_seen> seen;
  bool close_on_next = false;  // close instead of answering the next non-ApiVersions request
  // Set by a handler: close the connection after writing its frames (an
  // answer lost with its connection).
  bool close_after_answer = false;

 private:
  asio::awaitable<void> serve() {
    while (true) {
      auto [aec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (aec) co_return;
      asio::co_spawn(acceptor_.get_executor(), answer(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> answer(tcp::socket socket) {
    while (true) {
      std::array<std::byte, 4> prefix;
      auto [ec, n] = co_await asio::async_read(socket, asio::buffer(prefix), use_tuple);
      if (ec) co_return;
      std::vector<std::byte> frame(static_cast<size_t>(protocol::read_size_prefix(prefix)));
      auto [ec2, m] = co_await asio::async_read(socket, asio::buffer(frame), use_tuple);
      if (ec2) co_return;
      protocol::request_frame req;
      if (protocol::parse_request_frame(frame, req)) co_return;
      request_seen r{req.header.key, req.header.api_version, req.header.correlation_id,
                     std::vector<std::byte>(req.body.begin(), req.body.end())};
      seen.push_back(r);
      if (close_on_next && r.key != protocol::api_key::api_versions) {
        socket.close();
        co_return;
      }
      for (auto& out : handler_(r)) {
        auto [ec3, k] = co_await asio::async_write(socket, asio::buffer(out), use_tuple);
        if (ec3) co_return;
      }
      if (close_after_answer) {
        close_after_answer = false;
        socket.close();
        co_return;
      }
    }
  }
  tcp::acceptor acceptor_;
  handler handler_;
};

template <class M>
std::vector<std::byte> response_bytes(const M& body, int16_t version, int32_t correlation_id) {
  protocol::chunked_buffer buf;
  EXPECT_FALSE(protocol::encode_response_frame(body, version, correlation_id, buf));
  std::vector<std::byte> out;
  EXPECT_FALSE(buf.flatten(out));
  return out;
}

inline protocol::api_versions_response versions() {
  protocol::api_versions_response r;
  r.api_keys.push_back({static_cast<int16_t>(protocol::api_key::metadata), 0, 12});
  r.api_keys.push_back({static_cast<int16_t>(protocol::api_key::list_groups), 0, 1});
  r.api_keys.push_back({static_cast<int16_t>(protocol::api_key::api_versions), 0, 2});
  return r;
}

// Runs `body` as a coroutine on `io` with a 10 s bound.
inline void run(asio::io_context& io, std::function<asio::awaitable<void>()> body) {
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await body();
        finished = true;
        io.stop();
      },
      asio::detached);
  io.run_for(std::chrono::seconds(10));
  ASSERT_TRUE(finished) << "scenario did not finish";
}

}  // namespace sluice::client::test
