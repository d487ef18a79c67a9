// The shard: one thread, one io_context, one io_backend, one log_manager, and
// every connection (docs/decisions.md D2; docs/broker.md "Threading").
//
// Event loop duties besides connections:
//   - the io_backend's eventfd is watched with a stream_descriptor; when it is
//     readable, io_backend::poll() runs the completions (which answer
//     Produce requests and move high watermarks, waking Fetches);
//   - flush coalescing: handlers call request_flush(); one io_backend::flush()
//     is posted per loop turn, so appends from all connections and partitions
//     handled in that turn reach the kernel in one io_uring_submit;
//   - timers: Fetch deadlines, retention, checkpoints, idle-connection reaping;
//   - limits: max.connections(.per.ip) at accept, the shared request-bytes
//     budget (memory_budget) every connection reserves from;
//   - the Prometheus endpoint (metrics_http_server) on the same io_context;
//   - SIGTERM/SIGINT: graceful shutdown.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "broker/broker.h"
#include "broker/cluster_id.h"
#include "broker/connection.h"
#include "broker/group/coordinator.h"
#include "broker/group_config_store.h"
#include "broker/limits.h"
#include "broker/log_cleaner.h"
#include "broker/metrics.h"
#include "broker/metrics_http.h"
#include "broker/network_threads.h"
#include "broker/share/coordinator.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "broker/txn/coordinator.h"
#include "log/io/io_backend.h"
#include "log/log_manager.h"

namespace sluice::broker {
namespace asio = boost::asio;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Answers the health endpoints (503 ready) on the metrics listener while the
// shard opens and recovers its storage, which blocks the shard's thread
// before its io_context runs: its own io_context on its own thread, touching
// nothing of the shard's. hand_over() stops it and gives the bound socket
// to the shard's server (metrics_http.h).
class recovery_health {
 public:
  recovery_health() = default;
  recovery_health(const recovery_health&) = delete;
  recovery_health& operator=(const recovery_health&) = delete;
  ~recovery_health() {
    if (const int fd = hand_over(); fd >= 0) ::close(fd);
  }

  bool start(const endpoint& where) {
    server_ = std::make_unique<metrics_http_server>(io_, nullptr);
    server_->set_ready(false, "log recovery in progress");
    if (!server_->start(where)) return false;
    thread_ = std::thread([this] { io_.run(); });
    return true;
  }

  // The listening socket, -1 when none was started. Sessions still open are
  // dropped; their clients reconnect to the same port.
  int hand_over() {
    if (!thread_.joinable()) return -1;
    int fd = -1;
    asio::post(io_, [this, &fd] {
      fd = server_->release_listener();
      io_.stop();
    });
    thread_.join();
    server_.reset();
    return fd;
  }

 private:
  asio::io_context io_;
  std::unique_ptr<metrics_http_server> server_;
  std::thread thread_;
};

class shard final : public shard_services {
 public:
  explicit shard(broker_config cfg) : cfg_(std::move(cfg)) {}
  ~shard() override;

  // Opens storage, binds the listener and serves until a signal; the exit code.
  int run();

  const broker_config& config() const override { return cfg_; }
  topic_table& topics() override { return *topics_; }
  const std::string& cluster_id() const override { return cluster_id_; }
  broker_metrics& metrics() override { return metrics_; }
  std::unique_ptr<timer_handle> start_timer(std::chrono::milliseconds delay,
                                            std::function<void()> fn) override;
  void request_flush() override;
  shard_coordinators& coordinators() override { return coordinators_; }

 private:
  // The registry is shared with every timer: a Fetch that still holds one
  // when the io_context is destroyed (after the shard's other members) must
  // find it alive.
  struct asio_timer;
  using timer_registry = std::set<asio_timer*>;
  struct asio_timer final : timer_handle {
    asio_timer(asio::io_context& io, std::shared_ptr<timer_registry> r)
        : registry(std::move(r)), timer(io) {
      registry->insert(this);
    }
    ~asio_timer() override { registry->erase(this); }
    std::shared_ptr<timer_registry> registry;
    asio::steady_timer timer;
  };

  bool open_storage();
  bool listen();
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> watch_io();
  asio::awaitable<void> every(int64_t interval_ms, std::function<void()> fn);
  asio::awaitable<void> shutdown();
  // Until every connection's on_closed has run here, or `within` passed.
  asio::awaitable<void> connections_gone(std::chrono::milliseconds within);
  void reap_idle_connections();
  std::string render_metrics();

  asio::io_context io_;  // first member: destroyed last, after everything using it
  broker_config cfg_;
  std::unique_ptr<log::io::io_backend> backend_;
  std::unique_ptr<log::log_manager> logs_;
  std::unique_ptr<topic_table> topics_;
  // Lent to handlers by the registrations below, which it outlives.
  shard_coordinators coordinators_;
  // Consumer groups: after topics_ (destroyed first), registered for handlers.
  std::unique_ptr<group::coordinator> groups_;
  std::unique_ptr<group::coordinator_registration> groups_registration_;
  // Per-group configs (broker/group_config_store.h): before the coordinators
  // that read them, so it outlives them.
  std::unique_ptr<group_config_store> group_configs_;
  std::unique_ptr<group_config_registration> group_configs_registration_;
  // Share groups (docs/share-groups.md), likewise.
  std::unique_ptr<share::coordinator> shares_;
  std::unique_ptr<share::coordinator_registration> shares_registration_;
  // Transactions (docs/transactions.md): after groups_, whose staged offsets
  // its markers complete.
  std::unique_ptr<txn::coordinator> txns_;
  std::unique_ptr<txn::coordinator_registration> txns_registration_;
  std::string cluster_id_;
  std::optional<asio::posix::stream_descriptor> io_events_;
  asio::ip::tcp::acceptor acceptor_{io_};
  asio::signal_set signals_{io_, SIGTERM, SIGINT};
  std::shared_ptr<timer_registry> timers_ = std::make_shared<timer_registry>();
  std::vector<std::unique_ptr<asio::steady_timer>> periodic_;
  std::map<uint64_t, std::shared_ptr<connection>> connections_;
  broker_metrics metrics_;
  std::shared_ptr<log_cleaner> cleaner_;  // when log.cleaner.enable; read by render_metrics
  memory_budget budget_{cfg_.queued_max_request_bytes > 0 ? cfg_.queued_max_request_bytes : -1};
  connection_limits connection_limits_{cfg_.max_connections, cfg_.max_connections_per_ip};
  std::unique_ptr<metrics_http_server> metrics_http_;
  uint64_t next_connection_id_ = 1;
  bool flush_posted_ = false;
  bool stopping_ = false;
  int exit_code_ = 0;
  // Last member, so destroyed first: its threads are joined before anything
  // their connections borrow (budget_, metrics_, the shard) goes.
  std::unique_ptr<network_threads> net_;
};

shard::~shard() {
  // The backend owns the eventfd; the descriptor object must not close it.
  if (io_events_) io_events_->release();
}

std::unique_ptr<timer_handle> shard::start_timer(std::chrono::milliseconds delay,
                                                 std::function<void()> fn) {
  auto t = std::make_unique<asio_timer>(io_, timers_);
  t->timer.expires_after(delay);
  t->timer.async_wait([fn = std::move(fn)](boost::system::error_code ec) {
    if (!ec) fn();
  });
  return t;
}

void shard::request_flush() {
  if (flush_posted_) return;
  flush_posted_ = true;
  asio::post(io_, [this] {
    flush_posted_ = false;
    backend_->flush();
  });
}

bool shard::open_storage() {
  std::string chosen;
  backend_ = log::io::make_default_backend({}, &chosen);
  spdlog::info("event=io_backend_chosen backend={} detail=\"{}\"", backend_->name(), chosen);
  log::log_manager_config lc;
  lc.log_dirs = cfg_.log_dirs;
  // Per-topic overrides are loaded first so partitions open with them.
  std::vector<std::string> config_warnings;
  auto configs = topic_config_store::open(*backend_, cfg_.log_dirs.front(), config_warnings);
  for (const auto& w : config_warnings) spdlog::warn("event=topic_config detail=\"{}\"", w);
  if (!configs) {
    spdlog::error("event=startup_failed reason=topic_configs error=\"{}\"",
                  configs.error().message());
    return false;
  }
  lc.config_for = [this, c = *configs](std::string_view topic) {
    return effective_log_config(cfg_, c->get(topic));
  };
  // The partitions' time (roll, flush interval, LogAppendTime, producer
  // expiry) is the shard's, as the coordinators' is.
  lc.clock = [this] { return clock().wall_clock_ms(); };
  lc.warn = [](std::string_view msg) { spdlog::warn("event=log_warning detail=\"{}\"", msg); };
  auto logs = log::log_manager::open(*backend_, std::move(lc));
  if (!logs) {
    spdlog::error("event=startup_failed reason=log_open error=\"{}\"", logs.error().message());
    return false;
  }
  logs_ = std::move(*logs);
  metrics_.log_sync_latency = &logs_->sync_latency();
  topics_ = std::make_unique<topic_table>(*logs_, std::move(*configs));
  auto id = load_or_create_cluster_id(cfg_.log_dirs, cfg_.node_id);
  if (!id) {
    spdlog::error("event=startup_failed reason=meta_properties error=\"{}\"", id.error().message());
    return false;
  }
  for (const auto& w : id->warnings) spdlog::warn("event=meta_properties detail=\"{}\"", w);
  cluster_id_ = id->cluster_id;
  {
    std::vector<std::string> warnings;
    std::string detail;
    auto gc = group_config_store::open(*backend_, cfg_.log_dirs.front(), cfg_, warnings, detail);
    for (const auto& w : warnings) spdlog::warn("event=group_config detail=\"{}\"", w);
    if (!gc) {
      spdlog::error("event=startup_failed reason=group_configs error=\"{}\" detail=\"{}\"",
                    gc.error().message(), detail);
      return false;
    }
    group_configs_ = std::move(*gc);
    group_configs_registration_ =
        std::make_unique<group_config_registration>(*this, *group_configs_);
  }
  group::group_settings gs;
  gs.initial_rebalance_delay_ms = cfg_.group_initial_rebalance_delay_ms;
  gs.min_session_timeout_ms = cfg_.group_min_session_timeout_ms;
  gs.max_session_timeout_ms = cfg_.group_max_session_timeout_ms;
  groups_ = std::make_unique<group::coordinator>(*this, gs);
  if (auto ec = groups_->load()) {
    spdlog::error("event=startup_failed reason=offsets_replay error=\"{}\"", ec.message());
    return false;
  }
  groups_registration_ = std::make_unique<group::coordinator_registration>(*this, *groups_);
  shares_ = std::make_unique<share::coordinator>(*this, share::settings_from(cfg_));
  if (auto ec = shares_->load()) {
    spdlog::error("event=startup_failed reason=share_state_replay error=\"{}\"", ec.message());
    return false;
  }
  shares_registration_ = std::make_unique<share::coordinator_registration>(*this, *shares_);
  shares_->start_sweeping(std::chrono::milliseconds(500));
  txns_ = std::make_unique<txn::coordinator>(*this, txn::settings_from(cfg_));
  if (auto ec = txns_->load()) {
    spdlog::error("event=startup_failed reason=txn_state_replay error=\"{}\"", ec.message());
    return false;
  }
  txns_registration_ = std::make_unique<txn::coordinator_registration>(*this, *txns_);
  spdlog::info("event=storage_opened log_dirs=\"{}\" partitions={} topics={} cluster_id={}",
               fmt::join(cfg_.log_dirs, ","), logs_->partitions().size(),
               topics_->topic_names().size(), cluster_id_);
  if (backend_->event_fd() >= 0) io_events_.emplace(io_, backend_->event_fd());
  return true;
}

bool shard::listen() {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  const std::string host = cfg_.listener.host.empty() ? "0.0.0.0" : cfg_.listener.host;
  auto results = resolver.resolve(host, std::to_string(cfg_.listener.port),
                                  asio::ip::tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    spdlog::error("event=startup_failed reason=resolve host={} error=\"{}\"", host, ec.message());
    return false;
  }
  auto ep = results.begin()->endpoint();
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    spdlog::error("event=startup_failed reason=listen address={}:{} error=\"{}\"", host,
                  cfg_.listener.port, ec.message());
    return false;
  }
  // Port 0 picks a free port; clients must be told the real one.
  const uint16_t bound = acceptor_.local_endpoint().port();
  if (cfg_.listener.port == 0) {
    cfg_.listener.port = bound;
    if (cfg_.advertised && cfg_.advertised->port == 0) cfg_.advertised->port = bound;
  }
  endpoint adv = cfg_.advertised_endpoint();
  spdlog::info("event=listening address={}:{} advertised={}:{} node_id={}", host, bound, adv.host,
               adv.port, cfg_.node_id);
  return true;
}

asio::awaitable<void> shard::accept_loop() {
  while (!stopping_) {
    // The socket lives on a network thread from the start.
    auto [ec, socket] = co_await acceptor_.async_accept(net_->next(io_), use_tuple);
    if (stopping_) co_return;
    if (ec) {
      // Out of descriptors and the like: back off instead of spinning.
      spdlog::warn("event=accept_failed error=\"{}\"", ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    boost::system::error_code rec;
    const auto remote = socket.remote_endpoint(rec);
    const std::string ip = rec ? std::string("unknown") : remote.address().to_string();
    if (std::string_view refused = connection_limits_.admit(ip); !refused.empty()) {
      metrics_.connection_refused(refused);
      spdlog::warn("event=connection_refused peer={} reason={} open={} open_from_ip={}", ip,
                   refused, connection_limits_.open(), connection_limits_.open_from(ip));
      socket.close(rec);
      continue;
    }
    metrics_.connection_accepted();
    const uint64_t id = next_connection_id_++;
    // Closed on its network thread; forgotten on this one.
    auto on_closed = [this, ip](uint64_t closed) {
      asio::dispatch(io_, [this, ip, closed] {
        if (connections_.erase(closed) > 0) connection_limits_.release(ip);
        if (shares_) shares_->connection_closed(closed);
      });
    };
    auto c = std::make_shared<connection>(*this, io_, budget_, std::move(socket), id,
                                          std::move(on_closed));
    connections_.emplace(id, c);
    c->start();
  }
}

asio::awaitable<void> shard::watch_io() {
  // Runs through shutdown too: Produce answers (acks=all waits for the
  // fdatasync) and log closing need the completions polled until the log is
  // closed; shutdown() cancels the wait last.
  while (io_events_) {
    auto [ec] =
        co_await io_events_->async_wait(asio::posix::stream_descriptor::wait_read, use_tuple);
    if (ec) co_return;
    // poll() reads the eventfd (resetting its counter) and runs completions;
    // those may queue fdatasyncs, which need a flush.
    backend_->poll();
    request_flush();
  }
}

asio::awaitable<void> shard::every(int64_t interval_ms, std::function<void()> fn) {
  // The timer itself, not a reference into periodic_: another every() may
  // grow the vector while this coroutine is suspended.
  asio::steady_timer* t = periodic_.emplace_back(std::make_unique<asio::steady_timer>(io_)).get();
  for (;;) {
    t->expires_after(std::chrono::milliseconds(interval_ms));
    auto [ec] = co_await t->async_wait(use_tuple);
    if (ec || stopping_) co_return;
    fn();
  }
}

void shard::reap_idle_connections() {
  const auto cutoff =
      std::chrono::steady_clock::now() - std::chrono::milliseconds(cfg_.connections_max_idle_ms);
  // Each connection is asked on its own thread; the count comes back here.
  for (auto& [id, c] : connections_) {
    asio::post(c->executor(), [this, c, cutoff] {
      if (!c->idle_since(cutoff)) return;
      spdlog::debug("event=connection_idle_closed conn={} idle_ms={}", c->id(),
                    cfg_.connections_max_idle_ms);
      c->close();
      asio::post(io_, [this] { metrics_.connection_idle_closed(); });
    });
  }
}

std::string shard::render_metrics() {
  // Gauges owned elsewhere are read now rather than kept in step.
  metrics_.connections_open = static_cast<int64_t>(connections_.size());
  metrics_.request_bytes_in_flight = budget_.used();
  metrics_.request_bytes_budget = budget_.limit();
  metrics_.read_pauses = budget_.pauses();
  if (cleaner_) {
    const log::clean_stats& c = cleaner_->totals();
    metrics_.cleaner_rounds = c.rounds;
    metrics_.cleaner_segments_swapped = c.segments_swapped;
    metrics_.cleaner_records_removed = c.records_removed;
    metrics_.cleaner_bytes_read = c.bytes_read;
  }
  return metrics_.render(topics_.get());
}

asio::awaitable<void> shard::connections_gone(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  asio::steady_timer tick(io_);
  while (!connections_.empty() && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(1));
    co_await tick.async_wait(use_tuple);
  }
}

asio::awaitable<void> shard::shutdown() {
  stopping_ = true;
  if (metrics_http_) metrics_http_->stop();
  spdlog::info("event=shutdown_started connections={}", connections_.size());
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& t : periodic_) t->cancel();
  // Answer what is in flight, within a bound.
  auto conns = connections_;
  for (auto& [id, c] : conns) asio::post(c->executor(), [c] { c->stop_reading(); });
  co_await connections_gone(std::chrono::milliseconds(cfg_.shutdown_timeout_ms));
  conns = connections_;
  for (auto& [id, c] : conns) asio::post(c->executor(), [c] { c->close(); });
  // Each close posts its on_closed here: let them run before the logs close.
  co_await connections_gone(std::chrono::seconds(1));
  // Pending Fetch deadlines: cancel them and let their handlers run once so no
  // Fetch touches the log after it is closed.
  for (asio_timer* t : *timers_) t->timer.cancel();
  // Group timers (sessions, rebalances) go with the groups; commits still in
  // flight are answered when the log closes.
  txns_->close();
  groups_->close();
  shares_->close();
  co_await asio::post(io_, asio::use_awaitable);
  // Flush, checkpoints, clean-shutdown marker; waits for the I/O in flight.
  if (auto err = logs_->close()) {
    spdlog::error("event=log_close_failed error=\"{}\"", err.message());
    exit_code_ = 1;
  }
  if (io_events_) {
    io_events_->cancel(ec);
    io_events_->release();
    io_events_.reset();
  }
  signals_.cancel(ec);
  spdlog::info("event=shutdown_complete exit_code={}", exit_code_);
  io_.stop();
}

int shard::run() {
  // The metrics listener is bound first, so that /v1/status/live answers and
  // /v1/status/ready says 503 for as long as recovery takes.
  recovery_health early;
  if (cfg_.metrics_listener && !early.start(*cfg_.metrics_listener)) return 1;
  if (!open_storage()) return 1;
  if (!listen()) {
    (void)logs_->close();
    return 1;
  }
  if (cfg_.metrics_listener) {
    metrics_http_ = std::make_unique<metrics_http_server>(io_, [this] { return render_metrics(); });
    if (!metrics_http_->adopt_listener(early.hand_over())) {
      (void)logs_->close();
      return 1;
    }
    // Recovery is done and the Kafka listener is bound; requests waiting in
    // either backlog are served as soon as io_.run() starts below.
    metrics_http_->set_ready(true);
  }
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (ec) return;
    spdlog::info("event=signal_received signal={}", signo == SIGTERM ? "SIGTERM" : "SIGINT");
    asio::co_spawn(io_, shutdown(), asio::detached);
  });
  const int net_threads = cfg_.num_network_threads >= 0
                              ? cfg_.num_network_threads
                              : network_threads::automatic(network_threads::usable_cores());
  net_ = std::make_unique<network_threads>(net_threads);
  asio::co_spawn(io_, accept_loop(), asio::detached);
  asio::co_spawn(io_, watch_io(), asio::detached);
  asio::co_spawn(io_,
                 every(cfg_.log_retention_check_interval_ms,
                       [this] {
                         if (size_t n = logs_->enforce_retention(clock().wall_clock_ms()); n > 0) {
                           spdlog::info("event=retention segments_deleted={}", n);
                         }
                       }),
                 asio::detached);
  asio::co_spawn(io_,
                 every(cfg_.checkpoint_interval_ms,
                       [this] {
                         if (auto ec = logs_->write_checkpoints()) {
                           spdlog::warn("event=checkpoint_failed error=\"{}\"", ec.message());
                         }
                       }),
                 asio::detached);
  if (cfg_.log_cleaner_enable) {
    // Compaction in bounded slices on this thread (broker/log_cleaner.h).
    auto cleaner = std::make_shared<log_cleaner>(*logs_, cfg_);
    cleaner_ = cleaner;
    asio::co_spawn(
        io_,
        every(log_cleaner::tick_ms, [this, cleaner] { cleaner->tick(clock().wall_clock_ms()); }),
        asio::detached);
  }
  if (cfg_.connections_max_idle_ms > 0) {
    // Checked a few times per idle period: a connection is closed at most
    // about a tenth of the period late (at most 1 s).
    const int64_t every_ms = std::clamp<int64_t>(cfg_.connections_max_idle_ms / 10, 10, 1000);
    asio::co_spawn(io_, every(every_ms, [this] { reap_idle_connections(); }), asio::detached);
  }
  io_.run();
  net_->stop();
  return exit_code_;
}

}  // namespace

int run_broker(const broker_config& cfg) {
  // A peer that closes while sendfile(2) writes to it must give EPIPE, not
  // kill the process (Asio's own sends use MSG_NOSIGNAL; sendfile has none).
  std::signal(SIGPIPE, SIG_IGN);
  shard s(cfg);
  return s.run();
}

}  // namespace sluice::broker
