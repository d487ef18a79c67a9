#pragma once
// One client connection: reads size-prefixed request frames, dispatches each
// to its handler through the api table, and writes the answers strictly in
// request order (Kafka clients pipeline and match answers by position).
//
// Two coroutines share the connection's state on its network thread:
//   read_loop   reads a frame, checks it, gives it a sequence number and a
//               slot, calls the handler; pauses while too much is in flight
//               (max in-flight requests or queued request bytes), so a client
//               that does not read its answers cannot make the broker queue
//               without bound.
//   write_loop  waits until the oldest slot is answered, writes it (memory
//               pieces with one gathered write, file slices with sendfile(2)),
//               and repeats. A slot answered with nothing (acks=0) is skipped.
//
// Limits: a frame's body is reserved against the shard-wide memory_budget
// (queued.max.request.bytes) one step at a time, before each step is read
// (pay as you read); while a step does not fit, reading pauses (without the
// frame-read deadline or the stall timer running) until another
// connection's answers are written. A connection holding its share of the
// budget (memory_budget::share) in unanswered requests reads no new frame.
// The shard closes connections idle for connections.max.idle.ms
// (idle_since()).
//
// Frames are refused before any allocation when the size prefix is negative,
// below the smallest header or above socket.request.max.bytes; a frame must
// arrive whole within sluice.request.read.timeout.ms of its first byte, and
// a frame that gets no byte for sluice.request.stall.timeout.ms closes the
// connection, releasing what it held.
// An unknown API key, an unserved version (except ApiVersions, which answers
// UNSUPPORTED_VERSION) or an undecodable header closes the connection.
//
// Threads (docs/decisions.md D32): the socket, both coroutines and every
// member live on the connection's network thread (broker/network_threads.h;
// the shard's own thread when num.network.threads=0). Each decoded request
// is posted to the shard thread, where its handler runs and its request
// metrics are counted; the answer is posted back. No lock is held across
// I/O: the only state shared between threads is the memory_budget, which
// locks for each call. Called from the shard: start() before any I/O, and
// stop_reading(), close() and idle_since() only through executor().
//
// Ownership: shared_ptr; each coroutine and each pending timer holds one, and
// handlers hold only a weak_ptr (an answer for a closed connection is dropped).
// The shard keeps a registry entry until close() (on_closed is the shard's to
// post to its own thread).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "broker/limits.h"
#include "broker/request.h"
#include "protocol/frame.h"

namespace sluice::broker {

class connection : public std::enable_shared_from_this<connection> {
 public:
  using closed_fn = std::function<void(uint64_t id)>;
  // `socket` lives on its network thread; `shard_io` is where handlers run.
  connection(shard_services& shard, boost::asio::io_context& shard_io, memory_budget& budget,
             boost::asio::ip::tcp::socket socket, uint64_t id, closed_fn on_closed);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void start();
  // Graceful: reads no further requests, answers those in flight, then closes.
  void stop_reading();
  // At once: answers not yet written are dropped.
  void close();
  uint64_t id() const { return id_; }
  // The connection's own thread: everything but start() runs there.
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  // True when nothing is in flight, no frame is half read, and nothing was
  // read or written since `cutoff`.
  bool idle_since(std::chrono::steady_clock::time_point cutoff) const;

 private:
  struct slot {
    bool ready = false;
    std::optional<response> answer;
    size_t request_bytes = 0;
  };

  boost::asio::awaitable<void> read_loop(std::shared_ptr<connection> self);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<connection> self);
  boost::asio::awaitable<bool> send(const response& r);
  boost::asio::awaitable<bool> send_file(const log::file_slice& slice, uint32_t length);
  boost::asio::awaitable<void> wait_on(boost::asio::steady_timer& event);
  // Reserves a frame's bytes against the shared budget, pausing until they
  // fit; false when the connection stopped meanwhile.
  boost::asio::awaitable<bool> reserve(uint64_t bytes);
  // Checks the frame and hands it to its handler; false means close.
  bool dispatch(std::shared_ptr<frame_buffer> frame);
  void complete(uint64_t seq, std::optional<response> answer);
  bool over_budget() const;
  void arm_deadline();
  // Reads the frame's body, reserving it step by step; false means stop.
  boost::asio::awaitable<bool> read_body(frame_buffer& frame);
  // The stall timer: closes the connection once a frame being read has had
  // no byte for sluice.request.stall.timeout.ms while waiting for bytes.
  void arm_stall(std::chrono::steady_clock::duration after);
  void frame_progress(bool awaiting_bytes);

  shard_services& shard_;
  boost::asio::io_context& shard_io_;
  memory_budget& budget_;
  boost::asio::ip::tcp::socket socket_;
  uint64_t id_;
  std::string peer_;
  closed_fn on_closed_;
  protocol::frame_limits limits_;
  boost::asio::steady_timer deadline_;    // whole-frame read deadline
  boost::asio::steady_timer stall_;       // no-progress deadline of the frame being read
  boost::asio::steady_timer read_gate_;   // wakes read_loop when the budget frees
  boost::asio::steady_timer write_wake_;  // wakes write_loop when the head slot is answered
  std::deque<slot> slots_;                // in request order; front is first_seq_
  uint64_t first_seq_ = 0;
  uint64_t next_seq_ = 0;
  size_t queued_bytes_ = 0;  // request bytes of the slots not yet written
  bool stopping_ = false;    // stop_reading() called
  bool read_done_ = false;   // read_loop ended: close once every slot is written
  bool closed_ = false;
  uint64_t held_bytes_ = 0;      // reserved in budget_, released as answers are written
  uint64_t budget_wait_id_ = 0;  // a pending budget_.wait(), 0 if none
  bool mid_frame_ = false;       // a frame's first byte is read, its handler not yet called
  std::chrono::steady_clock::time_point last_active_;  // last bytes read or written
  uint64_t frame_ticket_ = 0;    // memory_budget::begin_frame of the frame being read
  uint64_t frame_size_ = 0;      // its declared size
  bool awaiting_bytes_ = false;  // mid-frame and reading the socket (not paused on the budget)
  std::chrono::steady_clock::time_point last_frame_byte_;  // of the frame being read
};

}  // namespace sluice::broker
