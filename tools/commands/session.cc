#include "tools/commands/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdlib>
#include <optional>

namespace sluice::tools {

namespace asio = boost::asio;

status run_session(const common_options& common, std::function<awaitable<status>(session&)> body) {
  asio::io_context io;
  client::client_config cfg;
  cfg.bootstrap_servers = common.bootstrap;
  cfg.client_id = common.client_id;
  cfg.request_timeout = std::chrono::milliseconds(common.timeout_ms);
  cfg.connect_timeout = std::chrono::milliseconds(std::min(common.timeout_ms, 10000));
  std::optional<status> outcome;
  {
    client::cluster cluster(io.get_executor(), cfg);
    session s{io, cluster, false, nullptr};
    asio::signal_set signals(io, SIGINT, SIGTERM);
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int signo) {
          if (ec) return;
          if (s.stop_requested) std::_Exit(128 + signo);  // asked twice: stop now
          s.stop_requested = true;
          if (s.on_stop) s.on_stop();
          signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          if (auto r = co_await cluster.bootstrap(); !r) {
            outcome = from_client(r.error());
          } else {
            outcome = co_await body(s);
          }
          signals.cancel();
          cluster.close();
          // Background reads of closed connections may still be queued; the
          // command's own work is done, so do not wait on them.
          asio::post(io, [&io] { io.stop(); });
        },
        [&](std::exception_ptr e) {
          if (!e) return;
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            outcome = fail(std::string("internal error: ") + ex.what());
          }
          signals.cancel();
          cluster.close();
          io.stop();
        });
    io.run();
  }
  if (!outcome) return fail("the command ended without an outcome");
  return *outcome;
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

result<std::pair<std::string, std::string>> split_assignment(const std::string& text,
                                                             const std::string& what) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return usage("bad " + what + " '" + text + "': expected key=value");
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sluice::tools
