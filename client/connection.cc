#include "client/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "protocol/messages/api_versions.h"

namespace sluice::client {
namespace asio = boost::asio;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using protocol::error_code;

// ApiVersions' first flexible version, tried first; v0 is the fallback
// every broker understands (KIP-511).
constexpr int16_t api_versions_first_try = 3;
constexpr std::string_view software_name = "sluice-client";
constexpr std::string_view software_version = "0.1.0";

}  // namespace

// One request waiting for its answer. `wake` is cancelled when the answer
// arrives or the connection fails; `outcome` says which.
struct connection::pending_call {
  explicit pending_call(asio::any_io_executor ex, protocol::api_key k, int16_t v)
      : wake(std::move(ex)), api(k), version(v) {}
  asio::steady_timer wake;
  protocol::api_key api;
  int16_t version;
  std::optional<result<answer>> outcome;
};

connection::connection(asio::any_io_executor executor, const broker_address& address,
                       int32_t node_id, const client_config& config)
    : socket_(std::move(executor)), address_(address), node_id_(node_id), config_(config) {}

connection::~connection() {
  boost::system::error_code ec;
  socket_.close(ec);
}

std::string connection::describe() const {
  std::string out = address_.host + ":" + std::to_string(address_.port);
  if (node_id_ >= 0) out += " (node " + std::to_string(node_id_) + ")";
  return out;
}

awaitable<result<std::shared_ptr<connection>>> connection::connect(asio::any_io_executor executor,
                                                                   const broker_address& address,
                                                                   int32_t node_id,
                                                                   const client_config& config) {
  std::shared_ptr<connection> c(new connection(executor, address, node_id, config));
  // The connect deadline closes the socket, which ends whatever step is
  // pending (resolve, connect or the ApiVersions exchange) with an error.
  auto deadline = std::make_shared<asio::steady_timer>(executor, config.connect_timeout);
  auto timed_out = std::make_shared<bool>(false);
  deadline->async_wait(
      [weak = std::weak_ptr<connection>(c), timed_out](boost::system::error_code ec) {
        if (ec) return;
        *timed_out = true;
        if (auto conn = weak.lock()) conn->close();
      });
  auto failed = [&](std::string_view what, const boost::system::error_code& ec) {
    std::string why =
        *timed_out ? "timed out after " + std::to_string(config.connect_timeout.count()) + " ms"
                   : ec.message();
    return make_error(error_code::network_exception,
                      "cannot " + std::string(what) + " " + c->describe() + ": " + why);
  };

  asio::ip::tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(
      c->address_.host, std::to_string(c->address_.port), use_tuple);
  if (rec || *timed_out) {
    deadline->cancel();
    co_return failed("resolve", rec);
  }
  auto [cec, endpoint] = co_await asio::async_connect(c->socket_, endpoints, use_tuple);
  if (cec || *timed_out) {
    deadline->cancel();
    co_return failed("connect to", cec);
  }
  boost::system::error_code ignored;
  c->socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  asio::co_spawn(executor, c->read_loop(c), asio::detached);

  auto negotiated = co_await c->negotiate();
  deadline->cancel();
  if (!negotiated) {
    c->close();
    if (*timed_out) co_return failed("negotiate versions with", {});
    co_return std::move(negotiated).error();
  }
  co_return c;
}

awaitable<result<void>> connection::negotiate() {
  protocol::api_versions_request request;
  request.client_software_name = software_name;
  request.client_software_version = software_version;
  for (int16_t version : {api_versions_first_try, int16_t{0}}) {
    auto sent = co_await send_and_wait(protocol::api_key::api_versions, version,
                                       encode(request, version), true);
    if (!sent) co_return std::move(sent).error();
    protocol::api_versions_response response;
    auto body = std::span<const std::byte>(sent->frame).subspan(sent->body_at);
    if (auto ec = protocol::decode_api_versions_response(body, version, response))
      co_return decode_error(protocol::api_key::api_versions, ec);
    if (response.error_code == error_code::unsupported_version && version != 0) continue;
    if (response.error_code != error_code::none)
      co_return make_error(response.error_code, "ApiVersions from " + describe());
    broker_versions_.clear();
    for (const auto& v : response.api_keys)
      broker_versions_[v.api_key] = {v.min_version, v.max_version};
    co_return result<void>{};
  }
  co_return make_error(error_code::unsupported_version, "ApiVersions with " + describe());
}

result<int16_t> connection::version_for(protocol::api_key api) const {
  const auto* info = protocol::find_api(api);
  auto unsupported = [&](std::string_view why) {
    return make_error(
        error_code::unsupported_version,
        std::string(protocol::api_name(api)) + " with " + describe() + ": " + std::string(why));
  };
  if (!info || info->codec_max_version == protocol::no_codec)
    return unsupported("not implemented by this client");
  if (api == protocol::api_key::api_versions) return info->codec_max_version;
  auto it = broker_versions_.find(static_cast<int16_t>(api));
  if (it == broker_versions_.end()) return unsupported("the broker does not offer it");
  const int16_t low = std::max(it->second.first, info->codec_min_version);
  const int16_t high = std::min(it->second.second, info->codec_max_version);
  if (low > high)
    return unsupported("broker versions " + std::to_string(it->second.first) + "-" +
                       std::to_string(it->second.second) + ", client " +
                       std::to_string(info->codec_min_version) + "-" +
                       std::to_string(info->codec_max_version));
  return high;
}

client_error connection::encode_error(protocol::api_key api, std::error_code ec) const {
  return make_error(error_code::invalid_request,
                    "cannot encode " + std::string(protocol::api_name(api)) + ": " + ec.message());
}

client_error connection::decode_error(protocol::api_key api, std::error_code ec) const {
  return make_error(error_code::corrupt_message,
                    "malformed " + std::string(protocol::api_name(api)) + " response from " +
                        describe() + ": " + ec.message());
}

awaitable<result<connection::answer>> connection::send_and_wait(protocol::api_key api,
                                                                int16_t version,
                                                                result<encoded> frame,
                                                                bool expect_answer) {
  if (!frame) co_return std::move(frame).error();
  if (broken_) co_return *broken_;
  // Registered before writing: the answer may arrive while the write is in progress.
  std::shared_ptr<pending_call> call;
  if (expect_answer) {
    call = std::make_shared<pending_call>(socket_.get_executor(), api, version);
    pending_.emplace(frame->correlation_id, call);
  }
  if (auto w = co_await write_frame(frame->frame); !w) {
    pending_.erase(frame->correlation_id);
    co_return std::move(w).error();
  }
  if (!expect_answer) co_return answer{};
  if (!call->outcome) {
    call->wake.expires_after(config_.request_timeout);
    co_await call->wake.async_wait(use_tuple);
  }
  if (call->outcome) co_return std::move(*call->outcome);
  // The deadline passed. Answers come in order, so the connection cannot be
  // trusted any more: close it, failing the others too (Kafka's clients do).
  auto error = make_error(error_code::request_timed_out,
                          std::string(protocol::api_name(api)) + " to " + describe() +
                              ": no answer within " +
                              std::to_string(config_.request_timeout.count()) + " ms");
  pending_.erase(frame->correlation_id);
  fail(error);
  co_return error;
}

awaitable<result<void>> connection::write_frame(const protocol::chunked_buffer& frame) {
  // One frame at a time: a frame's bytes must not interleave with another's.
  while (writing_ && !broken_) {
    auto turn = std::make_shared<asio::steady_timer>(socket_.get_executor(),
                                                     asio::steady_timer::time_point::max());
    write_waiters_.push_back(turn);
    co_await turn->async_wait(use_tuple);
  }
  if (broken_) co_return *broken_;
  writing_ = true;
  std::vector<asio::const_buffer> pieces;
  for (const auto& c : frame.chunks()) pieces.emplace_back(c.bytes.data(), c.bytes.size());
  auto [ec, n] = co_await asio::async_write(socket_, pieces, use_tuple);
  writing_ = false;
  if (!write_waiters_.empty()) {
    write_waiters_.front()->cancel();
    write_waiters_.pop_front();
  }
  if (ec) {
    auto error = broken_ ? *broken_
                         : make_error(error_code::network_exception,
                                      "write to " + describe() + " failed: " + ec.message());
    fail(error);
    co_return error;
  }
  co_return result<void>{};
}

awaitable<void> connection::read_loop(std::shared_ptr<connection> self) {
  const protocol::frame_limits limits{protocol::min_response_frame_bytes,
                                      config_.max_response_bytes};
  while (!broken_) {
    std::array<std::byte, protocol::size_prefix_bytes> prefix;
    auto [ec, n] = co_await asio::async_read(socket_, asio::buffer(prefix), use_tuple);
    if (ec) {
      fail(make_error(
          error_code::network_exception,
          "connection to " + describe() + " lost: " +
              (ec == asio::error::eof ? std::string("closed by the broker") : ec.message())));
      break;
    }
    const int32_t size = protocol::read_size_prefix(prefix);
    if (auto bad = protocol::check_frame_size(size, limits)) {
      fail(make_error(error_code::corrupt_message, "response frame of " + std::to_string(size) +
                                                       " bytes from " + describe() + ": " +
                                                       bad.message()));
      break;
    }
    std::vector<std::byte> frame(static_cast<size_t>(size));
    auto [rec, m] = co_await asio::async_read(socket_, asio::buffer(frame), use_tuple);
    if (rec) {
      fail(make_error(error_code::network_exception,
                      "connection to " + describe() + " lost mid-response: " + rec.message()));
      break;
    }
    int32_t correlation_id = 0;
    for (int i = 0; i < 4; ++i)
      correlation_id = (correlation_id << 8) | static_cast<int32_t>(static_cast<uint8_t>(frame[i]));
    auto it = pending_.find(correlation_id);
    if (it == pending_.end()) {
      fail(make_error(error_code::corrupt_message, "response with unknown correlation id " +
                                                       std::to_string(correlation_id) + " from " +
                                                       describe()));
      break;
    }
    auto call = it->second;
    pending_.erase(it);
    protocol::response_header header;
    std::span<const std::byte> body;
    if (auto perr = protocol::parse_response_frame(frame, call->api, call->version, header, body)) {
      call->outcome = decode_error(call->api, perr);
    } else {
      const auto body_at = static_cast<size_t>(body.data() - frame.data());
      call->outcome = answer{std::move(frame), body_at};
    }
    call->wake.cancel();
  }
  (void)self;
}

void connection::fail(client_error error) {
  if (!broken_) broken_ = std::move(error);
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  auto waiting = std::move(pending_);
  pending_.clear();
  for (auto& [id, call] : waiting) {
    if (!call->outcome) call->outcome = *broken_;
    call->wake.cancel();
  }
  for (auto& w : write_waiters_) w->cancel();
  write_waiters_.clear();
}

void connection::close() {
  if (closed_) return;
  fail(make_error(error_code::network_exception, "connection to " + describe() + " closed"));
}

}  // namespace sluice::client
