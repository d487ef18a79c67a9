// The only translation unit that includes Boost.Beast (see metrics_http.h).
#include "broker/metrics_http.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <map>
#include <string_view>

namespace sluice::broker {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto request_timeout = std::chrono::seconds(10);
constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

struct metrics_http_server::state {
  state(asio::io_context& io, render_fn r) : acceptor(io), render(std::move(r)) {}
  asio::ip::tcp::acceptor acceptor;
  render_fn render;
  std::map<uint64_t, beast::tcp_stream*> sessions;  // to close them at stop()
  uint64_t next_session = 1;
  bool stopped = false;
  bool ready = false;
  std::string not_ready_reason = "starting";
};

namespace {

using state_ptr = std::shared_ptr<metrics_http_server::state>;

bool path_is(std::string_view target, std::string_view path) {
  return target == path ||
         (target.starts_with(path) && target.substr(path.size()).starts_with("?"));
}

http::response<http::string_body> answer(const metrics_http_server::state& st,
                                         const http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(http::field::server, "sluice");
  res.set(http::field::content_type, "text/plain");
  const std::string_view target(req.target().data(), req.target().size());
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET, HEAD");
    res.body() = "only GET\n";
  } else if (path_is(target, "/v1/status/live")) {
    res.result(http::status::ok);
    res.body() = "live\n";
  } else if (path_is(target, "/v1/status/ready")) {
    res.result(st.ready ? http::status::ok : http::status::service_unavailable);
    res.body() = st.ready ? "ready\n" : "not ready: " + st.not_ready_reason + "\n";
  } else if (!path_is(target, "/metrics")) {
    res.result(http::status::not_found);
    res.body() = "metrics are at /metrics; health at /v1/status/live and /v1/status/ready\n";
  } else if (!st.render) {
    res.result(http::status::service_unavailable);
    res.body() = "not ready: " + st.not_ready_reason + "\n";
  } else {
    res.result(http::status::ok);
    res.set(http::field::content_type, content_type);
    res.body() = st.render();
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

asio::awaitable<void> session(state_ptr st, asio::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const uint64_t id = st->next_session++;
  st->sessions.emplace(id, &stream);
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    stream.expires_after(request_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
    if (ec) break;
    auto res = answer(*st, req);
    stream.expires_after(request_timeout);
    auto [wec, m] = co_await http::async_write(stream, res, use_tuple);
    if (wec || !res.keep_alive()) break;
  }
  st->sessions.erase(id);
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream.close();
}

asio::awaitable<void> accept_loop(state_ptr st) {
  while (!st->stopped) {
    auto [ec, socket] = co_await st->acceptor.async_accept(use_tuple);
    if (st->stopped) co_return;
    if (ec) {
      spdlog::warn("event=metrics_accept_failed error=\"{}\"", ec.message());
      asio::steady_timer pause(st->acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    asio::co_spawn(st->acceptor.get_executor(), session(st, std::move(socket)), asio::detached);
  }
}

}  // namespace

metrics_http_server::metrics_http_server(asio::io_context& io, render_fn render)
    : state_(std::make_shared<state>(io, std::move(render))) {}

metrics_http_server::~metrics_http_server() { stop(); }

bool metrics_http_server::start(const endpoint& where) {
  boost::system::error_code ec;
  const std::string host = where.host.empty() ? "0.0.0.0" : where.host;
  asio::ip::tcp::resolver resolver(state_->acceptor.get_executor());
  auto results =
      resolver.resolve(host, std::to_string(where.port), asio::ip::tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    spdlog::error("event=startup_failed reason=metrics_resolve host={} error=\"{}\"", host,
                  ec.message());
    return false;
  }
  auto ep = results.begin()->endpoint();
  auto& a = state_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    spdlog::error("event=startup_failed reason=metrics_listen address={}:{} error=\"{}\"", host,
                  where.port, ec.message());
    return false;
  }
  spdlog::info("event=metrics_listening address={}:{} path=/metrics", host, port());
  asio::co_spawn(a.get_executor(), accept_loop(state_), asio::detached);
  return true;
}

void metrics_http_server::set_ready(bool ready, std::string reason) {
  state_->ready = ready;
  state_->not_ready_reason = std::move(reason);
}

int metrics_http_server::release_listener() {
  if (state_->stopped || !state_->acceptor.is_open()) return -1;
  // Stopped first: the accept loop, woken with operation_aborted, must end
  // rather than use an acceptor that no longer owns a socket.
  state_->stopped = true;
  for (auto& [id, stream] : state_->sessions) stream->cancel();
  boost::system::error_code ec;
  const int fd = state_->acceptor.release(ec);
  return ec ? -1 : fd;
}

bool metrics_http_server::adopt_listener(int fd) {
  boost::system::error_code ec;
  auto& a = state_->acceptor;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const bool v6 = ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
                  addr.ss_family == AF_INET6;
  a.assign(v6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    spdlog::error("event=startup_failed reason=metrics_adopt error=\"{}\"", ec.message());
    return false;
  }
  asio::co_spawn(a.get_executor(), accept_loop(state_), asio::detached);
  return true;
}

void metrics_http_server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ec;
  state_->acceptor.close(ec);
  for (auto& [id, stream] : state_->sessions) stream->cancel();
}

uint16_t metrics_http_server::port() const {
  boost::system::error_code ec;
  auto ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

}  // namespace sluice::broker
