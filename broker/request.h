#pragma once
// What a handler receives and hands back, and the shard services it may use.
// Nothing here depends on Asio: handlers are plain functions that decode, call
// the log and encode, so they compile fast and can be tested without sockets.
//
// A handler is called on the shard thread with one decoded request header and
// its body. It answers by calling `respond` exactly once, then or later (a
// Produce with acks=all answers after fdatasync, a Fetch after its long poll):
// with a response frame, or with std::nullopt when Kafka sends nothing (a
// Produce with acks=0). The connection writes answers strictly in request
// order, whatever order handlers complete in.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/clock.h"
#include "broker/error_counts.h"
#include "log/partition_log.h"
#include "protocol/frame.h"
#include "protocol/headers.h"
#include "protocol/writer.h"

namespace sluice::broker {

struct broker_config;
class broker_metrics;
class topic_table;
struct shard_coordinators;  // broker/shard_coordinators.h

// The bytes of one request frame. Allocated without zero-filling (new
// std::byte[n] leaves them uninitialised): the socket read overwrites every
// byte, and zero-filling each frame first was ~9 % of the broker's CPU when
// producing 1 KiB records (bench/README.md).
class frame_buffer {
 public:
  explicit frame_buffer(size_t size) : bytes_(new std::byte[size]), size_(size) {}
  explicit frame_buffer(std::span<const std::byte> copy) : frame_buffer(copy.size()) {
    std::copy(copy.begin(), copy.end(), bytes_.get());
  }
  std::byte* data() { return bytes_.get(); }
  const std::byte* data() const { return bytes_.get(); }
  size_t size() const { return size_; }
  operator std::span<const std::byte>() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<std::byte[]> bytes_;
  size_t size_;
};

struct request {
  protocol::request_header header;  // client_id views into *frame
  // The body, mutable: Produce patches baseOffset in the received bytes and
  // writes them to disk as they are (no copy).
  std::span<std::byte> body;
  // Owns the bytes. A handler keeps it alive as long as the log may still
  // touch the body (until the append callback runs).
  std::shared_ptr<frame_buffer> frame;
  // The client's IP address ("127.0.0.1"), for DescribeGroups' client_host.
  std::string client_address;
  // The connection it arrived on (a share session is tied to it).
  uint64_t connection_id = 0;
};

struct response {
  // Size prefix, header and body; Fetch records are external slices whose
  // descriptor is an index into `slices`, sent with sendfile(2).
  protocol::chunked_buffer frame;
  std::vector<log::file_slice> slices;
  // Nothing to send: the connection is closed when this answer's turn comes
  // (a request that could not be decoded; Kafka closes too).
  bool close_connection = false;
  // The error codes the body carries, for sluice_request_errors_total.
  error_tally errors;
};

inline response close_connection() {
  response r;
  r.close_connection = true;
  return r;
}

using respond_fn = std::function<void(std::optional<response>)>;

// A one-shot timer; destroying the handle cancels it (the callback then never runs).
class timer_handle {
 public:
  virtual ~timer_handle() = default;
};

// What the shard offers handlers and coordinators: their only door to the rest
// of the broker (no static registries, no direct clock reads). Implemented by
// the shard (Asio) and by fakes in tests.
class shard_services {
 public:
  virtual ~shard_services() = default;
  virtual const broker_config& config() const = 0;
  virtual topic_table& topics() = 0;
  virtual const std::string& cluster_id() const = 0;
  // Counters handlers add to (bytes in and out per topic, refused topics).
  virtual broker_metrics& metrics() = 0;
  // Runs `fn` on the shard thread after `delay`, unless the handle is destroyed first.
  virtual std::unique_ptr<timer_handle> start_timer(std::chrono::milliseconds delay,
                                                    std::function<void()> fn) = 0;
  // Asks for io_backend::flush() at the end of this event-loop turn, so that
  // the writes queued by every request handled in the turn go to the kernel
  // in one submission.
  virtual void request_flush() = 0;
  // The coordinators and stores running on this shard; use the accessor of
  // each (group::coordinator_of, ...), which says nullptr when none runs.
  virtual shard_coordinators& coordinators() = 0;
  // What coordinators, retention and group logic read the time from; tests
  // return a fake one.
  virtual const clock_source& clock() const { return real_clock(); }
};

using handler_fn = void (*)(shard_services& shard, request req, respond_fn respond);

// Encodes `body` as the response to `req` (same version and correlation id).
// An encoding failure (a value that does not fit its wire type) closes the
// connection rather than leave the client waiting for an answer.
template <protocol::message M>
response make_response(const request& req, const M& body) {
  response r;
  if (protocol::encode_response_frame(body, req.header.api_version, req.header.correlation_id,
                                      r.frame)) {
    return close_connection();
  }
  r.errors = tally_errors(body);
  return r;
}

}  // namespace sluice::broker
