#include "broker/connection.h"

#include <spdlog/spdlog.h>

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/metrics.h"

namespace sluice::broker {
namespace asio = boost::asio;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string peer_name(const asio::ip::tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// A first frame whose "size" is really another protocol's opening bytes: a
// client configured for TLS (security.protocol=SSL or SASL_SSL) sends a TLS
// handshake record (0x16 0x03 0x0N), whose bytes read as a ~369 MB size; a
// browser or curl sends an HTTP method. Named so that the log says what is
// wrong with the client's configuration instead of reporting a huge frame.
std::string_view foreign_protocol(std::span<const std::byte, 4> p) {
  const auto b = [&](size_t i) { return std::to_integer<unsigned>(p[i]); };
  if (b(0) == 0x16 && b(1) == 0x03 && b(2) <= 0x04) {
    return "tls_handshake_on_plaintext_listener (the client uses security.protocol=SSL or "
           "SASL_SSL; this listener is PLAINTEXT)";
  }
  const std::string_view text(reinterpret_cast<const char*>(p.data()), p.size());
  for (std::string_view method : {"GET ", "POST", "PUT ", "HEAD", "PRI ", "OPTI", "DELE"}) {
    if (text == method)
      return "http_request_on_kafka_listener (this port speaks the Kafka protocol)";
  }
  return {};
}

}  // namespace

connection::connection(shard_services& shard, asio::io_context& shard_io, memory_budget& budget,
                       asio::ip::tcp::socket socket, uint64_t id, closed_fn on_closed)
    : shard_(shard),
      shard_io_(shard_io),
      budget_(budget),
      socket_(std::move(socket)),
      id_(id),
      peer_(peer_name(socket_)),
      on_closed_(std::move(on_closed)),
      deadline_(socket_.get_executor()),
      stall_(socket_.get_executor()),
      read_gate_(socket_.get_executor()),
      write_wake_(socket_.get_executor()) {
  limits_.max_bytes = shard_.config().socket_request_max_bytes;
  last_active_ = std::chrono::steady_clock::now();
}

connection::~connection() = default;

void connection::start() {
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // sendfile(2) on the native handle must not block the shard: EAGAIN is
  // waited out with async_wait(wait_write).
  socket_.native_non_blocking(true, ec);
  spdlog::debug("event=connection_open conn={} peer={}", id_, peer_);
  asio::co_spawn(socket_.get_executor(), read_loop(shared_from_this()), asio::detached);
  asio::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), asio::detached);
}

void connection::stop_reading() {
  if (closed_ || stopping_) return;
  stopping_ = true;
  // Ends a pending read with EOF; answers can still be written.
  ::shutdown(socket_.native_handle(), SHUT_RD);
  read_gate_.cancel();
}

void connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
  deadline_.cancel();
  stall_.cancel();
  read_gate_.cancel();
  write_wake_.cancel();
  slots_.clear();
  if (budget_wait_id_ != 0) budget_.cancel_wait(std::exchange(budget_wait_id_, 0));
  if (frame_ticket_ != 0) budget_.end_frame(std::exchange(frame_ticket_, 0));
  if (held_bytes_ > 0) budget_.release(std::exchange(held_bytes_, 0));
  spdlog::debug("event=connection_closed conn={} peer={}", id_, peer_);
  if (on_closed_) on_closed_(id_);
}

asio::awaitable<void> connection::wait_on(asio::steady_timer& event) {
  event.expires_at(asio::steady_timer::time_point::max());
  co_await event.async_wait(use_tuple);  // cancelled = woken
}

bool connection::idle_since(std::chrono::steady_clock::time_point cutoff) const {
  return !closed_ && slots_.empty() && !mid_frame_ && last_active_ < cutoff;
}

asio::awaitable<bool> connection::reserve(uint64_t bytes) {
  bool paused = false;
  // The wake runs on the releasing connection's thread: it posts to ours.
  auto wake = [weak = weak_from_this(), exec = executor()] {
    asio::post(exec, [weak] {
      if (auto self = weak.lock()) {
        self->budget_wait_id_ = 0;
        self->read_gate_.cancel();
      }
    });
  };
  for (;;) {
    const uint64_t waiting = budget_.reserve_or_wait(bytes, frame_ticket_, frame_size_, wake);
    if (waiting == 0) break;
    budget_wait_id_ = waiting;
    if (closed_ || stopping_) {
      budget_.cancel_wait(std::exchange(budget_wait_id_, 0));
      co_return false;
    }
    if (!paused) {
      // The client is not slow: the broker is. No frame deadline meanwhile.
      paused = true;
      budget_.count_pause();
      deadline_.cancel();
      spdlog::debug("event=read_paused conn={} reason=queued_max_request_bytes used={} size={}",
                    id_, budget_.used(), bytes);
    }
    co_await wait_on(read_gate_);
    // Woken by our own write loop rather than the budget: drop the stale waiter.
    if (budget_wait_id_ != 0) budget_.cancel_wait(std::exchange(budget_wait_id_, 0));
  }
  if (closed_) {
    budget_.release(bytes);
    co_return false;
  }
  held_bytes_ += bytes;
  if (paused) arm_deadline();
  co_return true;
}

bool connection::over_budget() const {
  if (slots_.empty()) return false;
  // A connection over its share of the shared budget waits for its own
  // answers to be written: one request is always allowed, so its share
  // bounds what it holds to share + the frame being read.
  return slots_.size() >= static_cast<size_t>(shard_.config().max_inflight_requests) ||
         queued_bytes_ >= budget_.share();
}

void connection::arm_stall(std::chrono::steady_clock::duration after) {
  stall_.expires_after(after);
  stall_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->closed_) return;
    const auto limit = std::chrono::milliseconds(self->shard_.config().request_stall_timeout_ms);
    const auto quiet = std::chrono::steady_clock::now() - self->last_frame_byte_;
    // Paused on the budget is the broker's doing, not a stall.
    if (!self->awaiting_bytes_ || quiet < limit) {
      return self->arm_stall(self->awaiting_bytes_ ? limit - quiet : limit);
    }
    spdlog::warn("event=connection_refused conn={} peer={} reason=frame_stalled held={}", self->id_,
                 self->peer_, self->held_bytes_);
    self->close();
  });
}

void connection::frame_progress(bool awaiting_bytes) {
  awaiting_bytes_ = awaiting_bytes;
  last_frame_byte_ = std::chrono::steady_clock::now();
}

asio::awaitable<bool> connection::read_body(frame_buffer& frame) {
  // Pay as you read: each step is reserved before it is read, so a frame
  // that is declared and not sent holds one step of the budget, not its
  // declared size, and other connections' requests are not held behind it.
  const size_t size = frame.size();
  size_t got = 0;
  size_t paid = 0;
  frame_size_ = size;
  while (got < size) {
    if (got == paid) {
      const size_t step = std::min<size_t>(memory_budget::reservation_step, size - got);
      frame_progress(false);
      if (!co_await reserve(step)) break;
      frame_progress(true);
      // Only a frame under way may go past the limit (memory_budget).
      if (frame_ticket_ == 0) frame_ticket_ = budget_.begin_frame();
      paid += step;
    }
    auto [ec, n] =
        co_await socket_.async_read_some(asio::buffer(frame.data() + got, paid - got), use_tuple);
    if (ec) break;
    got += n;
    frame_progress(true);
  }
  // A frame that ends unread gives up being the oldest at once, so that it
  // does not hold back the others until its connection closes.
  if (frame_ticket_ != 0) budget_.end_frame(std::exchange(frame_ticket_, 0));
  co_return got == size;
}

void connection::arm_deadline() {
  deadline_.expires_after(std::chrono::milliseconds(shard_.config().request_read_timeout_ms));
  deadline_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      spdlog::warn("event=connection_refused conn={} peer={} reason=frame_read_timeout", self->id_,
                   self->peer_);
      self->close();
    }
  });
}

asio::awaitable<void> connection::read_loop(std::shared_ptr<connection> self) {
  (void)self;  // keeps the connection alive while the coroutine runs
  std::array<std::byte, protocol::size_prefix_bytes> prefix{};
  while (!closed_ && !stopping_) {
    if (over_budget()) {
      co_await wait_on(read_gate_);
      continue;
    }
    // No deadline while idle; from the first byte on, the whole frame has one.
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(prefix), use_tuple);
    if (ec) break;
    mid_frame_ = true;
    last_active_ = std::chrono::steady_clock::now();
    arm_deadline();
    frame_progress(true);
    arm_stall(std::chrono::milliseconds(shard_.config().request_stall_timeout_ms));
    if (n < prefix.size()) {
      auto [ec2, m] = co_await asio::async_read(
          socket_, asio::buffer(prefix.data() + n, prefix.size() - n), use_tuple);
      if (ec2) break;
    }
    const int32_t size = protocol::read_size_prefix(prefix);
    if (const auto foreign = next_seq_ == 0 ? foreign_protocol(prefix) : std::string_view{};
        !foreign.empty()) {
      spdlog::warn("event=connection_refused conn={} peer={} reason={}", id_, peer_, foreign);
      close();
      co_return;
    }
    if (auto bad = protocol::check_frame_size(size, limits_)) {
      spdlog::warn("event=connection_refused conn={} peer={} reason=\"{}\" size={}", id_, peer_,
                   bad.message(), size);
      close();
      co_return;
    }
    // Allocated only now that the size is known to be acceptable, and left
    // uninitialized (frame_buffer): its pages become memory as bytes arrive.
    auto frame = std::make_shared<frame_buffer>(static_cast<size_t>(size));
    const bool whole = co_await read_body(*frame);
    deadline_.cancel();
    stall_.cancel();
    awaiting_bytes_ = false;
    if (!whole) break;
    last_active_ = std::chrono::steady_clock::now();
    mid_frame_ = false;
    if (!dispatch(std::move(frame))) {
      close();
      co_return;
    }
  }
  deadline_.cancel();
  stall_.cancel();
  read_done_ = true;
  write_wake_.cancel();
}

bool connection::dispatch(std::shared_ptr<frame_buffer> frame) {
  protocol::request_frame rf;
  if (auto ec = protocol::parse_request_frame(*frame, rf)) {
    spdlog::warn("event=connection_refused conn={} peer={} reason=bad_header error=\"{}\"", id_,
                 peer_, ec.message());
    return false;
  }
  const auto key = rf.header.key;
  const int16_t version = rf.header.api_version;
  const api_entry* entry = find_api_entry(key);
  if (entry == nullptr) {
    spdlog::warn("event=connection_refused conn={} peer={} reason=unknown_api api_key={}", id_,
                 peer_, static_cast<int16_t>(key));
    return false;
  }
  // ApiVersions answers any version (in v0 layout when it is not served);
  // Kafka closes the connection for other unserved versions (PROTOCOL.md G10).
  if (key != protocol::api_key::api_versions &&
      (version < entry->min_version || version > entry->max_version)) {
    spdlog::warn(
        "event=connection_refused conn={} peer={} reason=unsupported_version api={} "
        "version={}",
        id_, peer_, protocol::api_name(key), version);
    return false;
  }
  spdlog::trace("event=request conn={} api={} version={} correlation_id={} bytes={}", id_,
                protocol::api_name(key), version, rf.header.correlation_id, frame->size());
  const uint64_t seq = next_seq_++;
  const auto started = std::chrono::steady_clock::now();
  slots_.push_back({false, std::nullopt, frame->size()});
  queued_bytes_ += frame->size();
  request req;
  req.header = rf.header;
  req.body = std::span<std::byte>(frame->data() + (rf.body.data() - frame->data()), rf.body.size());
  req.frame = std::move(frame);
  req.client_address = peer_.substr(0, peer_.rfind(':'));
  req.connection_id = id_;
  // The handler runs on the shard thread (inline when that is this one);
  // its answer comes back to this connection's thread. Request metrics are
  // the shard's, counted there. Queue time runs from the frame's last byte
  // read (last_active_) to the handler's start.
  auto respond = [weak = weak_from_this(), exec = executor(), seq, key, started,
                  &shard = shard_](std::optional<response> answer) {
    broker_metrics& m = shard.metrics();
    m.request_finished(key, std::chrono::steady_clock::now() - started);
    if (answer) m.request_errors(key, answer->errors);
    --m.requests_in_flight;
    asio::dispatch(exec, [weak, seq, answer = std::move(answer)]() mutable {
      if (auto self = weak.lock()) self->complete(seq, std::move(answer));
    });
  };
  asio::dispatch(shard_io_, [&shard = shard_, entry, key, read_at = last_active_,
                             req = std::move(req), respond = std::move(respond)]() mutable {
    broker_metrics& m = shard.metrics();
    m.request_started(key);
    ++m.requests_in_flight;
    m.request_queued(std::chrono::steady_clock::now() - read_at);
    entry->handle(shard, std::move(req), std::move(respond));
  });
  return true;
}

void connection::complete(uint64_t seq, std::optional<response> answer) {
  if (closed_ || seq < first_seq_ || seq - first_seq_ >= slots_.size()) return;
  slot& s = slots_[seq - first_seq_];
  s.ready = true;
  s.answer = std::move(answer);
  if (seq == first_seq_) write_wake_.cancel();
}

asio::awaitable<void> connection::write_loop(std::shared_ptr<connection> self) {
  (void)self;  // keeps the connection alive while the coroutine runs
  while (!closed_) {
    if (slots_.empty() || !slots_.front().ready) {
      if (read_done_ && slots_.empty()) break;
      co_await wait_on(write_wake_);
      continue;
    }
    slot s = std::move(slots_.front());
    slots_.pop_front();
    ++first_seq_;
    queued_bytes_ -= s.request_bytes;
    const uint64_t freed = std::min<uint64_t>(s.request_bytes, held_bytes_);
    held_bytes_ -= freed;
    budget_.release(freed);
    read_gate_.cancel();
    if (!s.answer) continue;  // acks=0: Kafka sends nothing
    if (s.answer->close_connection || !co_await send(*s.answer)) break;
    last_active_ = std::chrono::steady_clock::now();
  }
  close();
}

asio::awaitable<bool> connection::send(const response& r) {
  std::vector<asio::const_buffer> pending;
  for (const protocol::chunk& c : r.frame.chunks()) {
    if (!c.external) {
      pending.emplace_back(c.bytes.data(), c.bytes.size());
      continue;
    }
    if (!pending.empty()) {
      auto [ec, n] = co_await asio::async_write(socket_, pending, use_tuple);
      if (ec) co_return false;
      pending.clear();
    }
    if (c.external->descriptor >= r.slices.size()) co_return false;
    if (!co_await send_file(r.slices[c.external->descriptor], c.external->length)) co_return false;
  }
  if (!pending.empty()) {
    auto [ec, n] = co_await asio::async_write(socket_, pending, use_tuple);
    if (ec) co_return false;
  }
  co_return true;
}

asio::awaitable<bool> connection::send_file(const log::file_slice& slice, uint32_t length) {
  off_t pos = static_cast<off_t>(slice.position.value);
  size_t left = length;
  while (left > 0 && !closed_) {
    const ssize_t n = ::sendfile(socket_.native_handle(), slice.fd(), &pos, left);
    if (n > 0) {
      left -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto [ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, use_tuple);
      if (ec) co_return false;
      continue;
    }
    // n == 0: the file is shorter than the slice (truncated underneath us);
    // the frame's size prefix can no longer be honoured.
    if (n == 0) {
      spdlog::warn("event=sendfile_failed conn={} error=\"file shorter than slice\"", id_);
    } else if (errno == EPIPE || errno == ECONNRESET) {
      spdlog::debug("event=peer_gone conn={} error=\"{}\"", id_, std::strerror(errno));
    } else {
      spdlog::warn("event=sendfile_failed conn={} error=\"{}\"", id_, std::strerror(errno));
    }
    co_return false;
  }
  co_return left == 0;
}

}  // namespace sluice::broker
