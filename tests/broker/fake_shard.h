#pragma once
// A shard for handler tests: a real log_manager on a temp dir with the posix
// backend, the fake clock with timers that fire only when the test says so
// (fire_timers, or advance to move the clock), its own coordinator slots, and
// helpers to run a handler on an encoded request and decode its answer.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "broker/config.h"
#include "broker/metrics.h"
#include "broker/request.h"
#include "broker/shard_coordinators.h"
#include "broker/topic_table.h"
#include "log/io/io_backend.h"
#include "log/log_manager.h"
#include "protocol/frame.h"
#include "tests/broker/fake_timers.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::broker::test {

class fake_shard final : public shard_services {
 public:
  fake_shard() : fake_shard(broker_config{}) {}
  explicit fake_shard(broker_config cfg) : cfg_(std::move(cfg)) {
    cfg_.log_dirs = {dir_.path()};
    io_ = log::io::make_posix_backend();
    log::log_manager_config lc;
    lc.log_dirs = cfg_.log_dirs;
    lc.config_for = [this](std::string_view) { return cfg_.topic_log_config(); };
    lc.clock = clock_.fn();  // the partitions read the fake clock, as a shard's read its own
    logs_ = log::log_manager::open(*io_, lc).value();
    topics_ = std::make_unique<topic_table>(*logs_);
  }
  ~fake_shard() override {
    timers_.clear();
    sluice::test::drain(*io_);
    topics_.reset();
    logs_.reset();
  }

  const broker_config& config() const override { return cfg_; }
  topic_table& topics() override { return *topics_; }
  const std::string& cluster_id() const override { return cluster_id_; }
  broker_metrics& metrics() override { return metrics_; }
  std::unique_ptr<timer_handle> start_timer(std::chrono::milliseconds delay,
                                            std::function<void()> fn) override {
    return timers_.start(delay, std::move(fn));
  }
  void request_flush() override { ++flush_requests_; }
  shard_coordinators& coordinators() override { return coordinators_; }
  const clock_source& clock() const override { return clock_; }

  // Fires every pending timer (a Fetch deadline) once, as a real timer: a
  // timer started by a callback waits for the next call.
  void fire_timers() { timers_.fire_all(); }
  // Moves the fake clock by `ms`, firing the timers that fall due on the way.
  void advance(int64_t ms) { timers_.advance(ms); }
  sluice::test::fake_clock& fake_time() { return clock_; }
  // Runs the I/O completions (appends acknowledged, high watermarks moved).
  void run_io() { sluice::test::drain(*io_); }
  log::io::io_backend& backend() { return *io_; }
  size_t pending_timers() const { return timers_.pending(); }
  int flush_requests() const { return flush_requests_; }

 private:
  sluice::test::temp_dir dir_;
  broker_config cfg_;
  std::string cluster_id_ = "test-cluster";
  broker_metrics metrics_;
  std::unique_ptr<log::io::io_backend> io_;
  std::unique_ptr<log::log_manager> logs_;
  std::unique_ptr<topic_table> topics_;
  sluice::test::fake_clock clock_;
  fake_timers timers_{clock_};
  shard_coordinators coordinators_;
  int flush_requests_ = 0;
};

// Calls `handler` with `body` encoded at `version`; the answer (if any yet)
// lands in *out. Returns the request so its frame stays alive.
template <protocol::message M>
request make_request(const M& body, int16_t version, int32_t correlation_id = 7) {
  protocol::chunked_buffer buf;
  EXPECT_FALSE(protocol::encode_request_frame(body, version, correlation_id, "test", buf));
  std::vector<std::byte> flat;
  EXPECT_FALSE(buf.flatten(flat));
  auto frame = std::make_shared<broker::frame_buffer>(std::span<const std::byte>(flat).subspan(4));
  protocol::request_frame rf;
  EXPECT_FALSE(protocol::parse_request_frame(*frame, rf));
  request req;
  req.header = rf.header;
  req.body = std::span<std::byte>(frame->data() + (rf.body.data() - frame->data()), rf.body.size());
  req.frame = frame;
  return req;
}

struct answer {
  bool called = false;
  std::optional<response> value;
};

inline respond_fn capture(std::shared_ptr<answer> a) {
  return [a](std::optional<response> r) {
    EXPECT_FALSE(a->called) << "answered twice";
    a->called = true;
    a->value = std::move(r);
  };
}

// The answer's bytes as the client receives them: memory pieces and the
// file slices they name (read back from their files).
inline std::vector<std::byte> wire_bytes(const response& r) {
  std::vector<std::byte> out;
  for (const auto& c : r.frame.chunks()) {
    if (!c.external) {
      out.insert(out.end(), c.bytes.begin(), c.bytes.end());
      continue;
    }
    auto bytes = sluice::test::read_slices({r.slices.at(c.external->descriptor)});
    EXPECT_EQ(bytes.size(), c.external->length);
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

// Decodes an answer, file slices included.
template <protocol::message M>
M decode_answer(const response& r, int16_t version, int16_t decode_version = -1) {
  const std::vector<std::byte> flat = wire_bytes(r);
  protocol::response_header h;
  std::span<const std::byte> body;
  EXPECT_FALSE(protocol::parse_response_frame(std::span<const std::byte>(flat).subspan(4), M::api,
                                              version, h, body));
  M m;
  EXPECT_FALSE(protocol::decode_message(body, decode_version < 0 ? version : decode_version, m));
  return m;
}

}  // namespace sluice::broker::test
