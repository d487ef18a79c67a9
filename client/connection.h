#pragma once
// One TCP connection to one broker.
//
// connect() opens the socket and negotiates versions: it sends ApiVersions v3
// and, when the broker answers UNSUPPORTED_VERSION (or cannot be read as v3),
// v0. From then on every typed call uses, per API, the highest version both
// the broker and this codec support; an API with no common version fails
// with UNSUPPORTED_VERSION without touching the network.
//
// Requests are pipelined: call() writes its frame and waits for the answer
// with the same correlation id, while other calls write theirs; a single read
// loop hands each response to its waiter. Response frames are bounded by
// client_config::max_response_bytes before any allocation. A call that gets
// no answer within request_timeout fails with REQUEST_TIMED_OUT and closes the
// connection (Kafka's clients do the same: answers come in order, so one lost
// answer makes the connection useless). When the connection breaks, every
// waiter fails with NETWORK_EXCEPTION naming the broker and the cause, and
// later calls fail at once; make a new connection (cluster does).
//
// Ownership and threads: always held by shared_ptr (its read loop keeps it
// alive until close). All coroutines run on the executor given to connect(),
// which must be a single-threaded io_context (or a strand): the library
// starts no threads and takes no locks.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/config.h"
#include "client/error.h"
#include "client/response_of.h"
#include "protocol/frame.h"
#include "protocol/message.h"

namespace sluice::client {

template <class T>
using awaitable = boost::asio::awaitable<T>;

// A decoded response together with the frame its views point into (Fetch
// record sets are views, not copies). Moving keeps the views valid.
template <class Response>
struct framed {
  Response body;
  std::vector<std::byte> frame;
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  // Connects to host:port within config.connect_timeout and negotiates
  // versions. node_id is for messages and the cluster's bookkeeping (-1 for a
  // bootstrap address).
  static awaitable<result<std::shared_ptr<connection>>> connect(
      boost::asio::any_io_executor executor, const broker_address& address, int32_t node_id,
      const client_config& config);

  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Sends `request` at the negotiated version and waits for its answer.
  template <protocol::message Request>
  awaitable<result<response_of_t<Request>>> call(const Request& request) {
    auto r = co_await call_framed(request);
    if (!r) co_return std::move(r).error();
    co_return std::move(r->body);
  }

  // As call(), keeping the response frame alive with the body (Fetch).
  // version_cap lowers the negotiated version for a request the newest one
  // cannot express (a Fetch for a topic whose id the client does not know).
  template <protocol::message Request>
  awaitable<result<framed<response_of_t<Request>>>> call_framed(
      const Request& request, int16_t version_cap = std::numeric_limits<int16_t>::max()) {
    using response = response_of_t<Request>;
    auto version = version_for(Request::api);
    if (!version) co_return std::move(version).error();
    if (*version > version_cap) *version = version_cap;
    auto sent = co_await send_and_wait(Request::api, *version, encode(request, *version), true);
    if (!sent) co_return std::move(sent).error();
    framed<response> out;
    out.frame = std::move(sent->frame);
    if (auto e = decode_body(Request::api, *version, sent->body_at, out.frame, out.body);
        !e.has_value())
      co_return std::move(e).error();
    co_return out;
  }

  // Sends a request that gets no answer (Produce with acks=0) and returns once
  // it is written.
  template <protocol::message Request>
  awaitable<result<void>> send_only(const Request& request) {
    auto version = version_for(Request::api);
    if (!version) co_return std::move(version).error();
    auto sent = co_await send_and_wait(Request::api, *version, encode(request, *version), false);
    if (!sent) co_return std::move(sent).error();
    co_return result<void>{};
  }

  // The version calls of `api` use: min(broker max, codec max), or
  // UNSUPPORTED_VERSION when the ranges do not meet.
  result<int16_t> version_for(protocol::api_key api) const;

  const broker_address& address() const noexcept { return address_; }
  int32_t node_id() const noexcept { return node_id_; }
  bool is_open() const noexcept { return !closed_; }
  // Requests written and not yet answered.
  size_t in_flight() const noexcept { return pending_.size(); }
  // "host:port (node N)", for messages.
  std::string describe() const;

  // Closes the socket and fails every waiter with NETWORK_EXCEPTION.
  void close();

 private:
  struct pending_call;
  struct answer {
    std::vector<std::byte> frame;
    size_t body_at = 0;
  };

  connection(boost::asio::any_io_executor executor, const broker_address& address, int32_t node_id,
             const client_config& config);

  struct encoded {
    int32_t correlation_id = 0;
    protocol::chunked_buffer frame;
  };
  template <protocol::message Request>
  result<encoded> encode(const Request& request, int16_t version) {
    encoded out;
    out.correlation_id = next_correlation_id_++;
    if (auto ec = protocol::encode_request_frame(request, version, out.correlation_id,
                                                 config_.client_id, out.frame))
      return encode_error(Request::api, ec);
    return out;
  }
  client_error encode_error(protocol::api_key api, std::error_code ec) const;

  template <class Response>
  result<void> decode_body(protocol::api_key api, int16_t version, size_t body_at,
                           const std::vector<std::byte>& frame, Response& out) const {
    auto body = std::span<const std::byte>(frame).subspan(body_at);
    if (auto ec = protocol::decode_message(body, version, out)) return decode_error(api, ec);
    return {};
  }
  client_error decode_error(protocol::api_key api, std::error_code ec) const;

  awaitable<result<void>> negotiate();
  // Writes the frame; with expect_answer, waits for the matching response.
  awaitable<result<answer>> send_and_wait(protocol::api_key api, int16_t version,
                                          result<encoded> frame, bool expect_answer);
  awaitable<result<void>> write_frame(const protocol::chunked_buffer& frame);
  awaitable<void> read_loop(std::shared_ptr<connection> self);
  void fail(client_error error);

  boost::asio::ip::tcp::socket socket_;
  broker_address address_;
  int32_t node_id_;
  client_config config_;
  int32_t next_correlation_id_ = 1;
  // Correlation id -> waiter, in the order requests were written.
  std::map<int32_t, std::shared_ptr<pending_call>> pending_;
  // Writes are serialised: a frame is written whole before the next starts.
  bool writing_ = false;
  std::deque<std::shared_ptr<boost::asio::steady_timer>> write_waiters_;
  // Broker's [min, max] per api key, from ApiVersions.
  std::map<int16_t, std::pair<int16_t, int16_t>> broker_versions_;
  std::optional<client_error> broken_;
  bool closed_ = false;
};

}  // namespace sluice::client
