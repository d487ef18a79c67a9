#pragma once
// How a command talks to the cluster: run_session() makes an io_context, a
// client::cluster bootstrapped from -b, runs the command's coroutine to its
// end on this (the only) thread, and returns its status. SIGINT and SIGTERM
// set `stop_requested`, which the long-running loops (consume, produce
// --follow, perf, group wait) check so they finish cleanly (commit, flush,
// save state); a second signal exits at once.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "client/cluster.h"
#include "client/error.h"
#include "tools/options.h"
#include "tools/result.h"

namespace sluice::tools {

template <class T>
using awaitable = boost::asio::awaitable<T>;

struct session {
  boost::asio::io_context& io;
  client::cluster& cluster;
  bool stop_requested = false;
  // Called on the first signal, for a command blocked in a read that no
  // timeout ends (stdin): it cancels that read.
  std::function<void()> on_stop;
};

status run_session(const common_options& common, std::function<awaitable<status>(session&)> body);

// Waits on the session's executor (a timer, not a blocking sleep).
awaitable<void> sleep_for(std::chrono::milliseconds d);

inline error from_client(const client::client_error& e) { return fail(e.message); }

// "k=v" split at the first '='; an error names `what` when there is none.
result<std::pair<std::string, std::string>> split_assignment(const std::string& text,
                                                             const std::string& what);

int64_t now_ms();

}  // namespace sluice::tools
