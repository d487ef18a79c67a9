#pragma once
// The Prometheus endpoint: a minimal HTTP/1.1 server (Boost.Beast) on the
// shard's io_context that answers GET /metrics with the text the render
// function returns (exposition format 0.0.4), 404 for other paths and 405
// for other methods. Keep-alive is honoured; each connection must send its
// request within 10 s.
//
// Health, under Redpanda's paths (docs/broker.md "Health"):
//   GET /v1/status/live   200 whenever the process answers HTTP;
//   GET /v1/status/ready  503 until set_ready(true) (log recovery done and
//                         the Kafka listener bound), then 200.
// During recovery the shard's io_context is not running yet, so the shard
// serves the port from a second server on its own short-lived io_context
// and thread (no render function: /metrics answers 503), then moves the
// bound socket to the shard's server (release_listener/adopt_listener):
// the port never closes, and connections waiting in its backlog are
// answered by the new server.
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
  // An empty render function answers /metrics with 503 (not ready yet).
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

  // What /v1/status/ready answers; `reason` is its 503 body.
  void set_ready(bool ready, std::string reason = {});
  // Stops serving and hands over the bound listening socket (-1 if none);
  // the caller owns the descriptor until it gives it to adopt_listener().
  int release_listener();
  // Serves on a listening socket another server released; false (after
  // logging why) when it cannot.
  bool adopt_listener(int fd);

  struct state;  // opaque; defined in metrics_http.cc

 private:
  std::shared_ptr<state> state_;
};

}  // namespace sluice::broker
