#pragma once
// The Prometheus endpoint: a minimal HTTP/1.1 server (Boost.Beast) on the
// shard's io_context that answers GET /metrics with the text the render
// function returns (exposition format 0.0.4), 404 for other paths and 405
// for other methods. Keep-alive is honoured; each connection must send its
// request within 10 s.
//
// Only metrics_http.cc includes Beast (it is slow to compile); this header
// needs no Asio beyond a forward declaration.
//
// Ownership: the shard owns it; sessions hold the shared state, so a session
// still pending when the server is stopped finds it alive. Thread: the shard's.

#include <functional>
#include <memory>
#include <string>

#include "broker/config.h"

namespace boost::asio {
class io_context;
}

namespace sluice::broker {

class metrics_http_server {
 public:
  using render_fn = std::function<std::string()>;
  metrics_http_server(boost::asio::io_context& io, render_fn render);
  ~metrics_http_server();
  metrics_http_server(const metrics_http_server&) = delete;
  metrics_http_server& operator=(const metrics_http_server&) = delete;

  // Binds and starts accepting; false (after logging why) when it cannot.
  // Port 0 picks a free port; port() then says which.
  bool start(const endpoint& where);
  // Closes the listener and every open session.
  void stop();
  uint16_t port() const;

  struct state;  // opaque; defined in metrics_http.cc

 private:
  std::shared_ptr<state> state_;
};

}  // namespace sluice::broker
