// producer against a scripted broker: a retriable error refreshes metadata
// and retries the batch; a fatal one reaches the callback and flush().

#include "client/producer.h"

#include <gtest/gtest.h>

#include "tests/client/scripted_peer.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::api_key;
using protocol::error_code;
using namespace std::chrono_literals;
using frames = std::vector<std::vector<std::byte>>;

// A one-broker cluster (node 0 at the peer's own port) with topic "t" of one
// partition; Produce answers come from `produce_error` by attempt number.
struct fake_broker {
  explicit fake_broker(asio::io_context& io, std::function<error_code(int)> produce_error)
      : peer(io, [this, produce_error](const request_seen& r) -> frames {
          if (r.key == api_key::api_versions) {
            auto v = versions();
            v.api_keys.push_back({static_cast<int16_t>(api_key::produce), 3, 7});
            return {response_bytes(v, r.version, r.correlation_id)};
          }
          if (r.key == api_key::metadata) {
            protocol::metadata_response m;
            m.brokers.push_back({0, "127.0.0.1", peer.port(), std::nullopt});
            protocol::metadata_response::topic t;
            t.name = "t";
            protocol::metadata_response::partition p;
            p.partition_index = 0;
            p.leader_id = 0;
            t.partitions.push_back(p);
            m.topics.push_back(t);
            return {response_bytes(m, r.version, r.correlation_id)};
          }
          ++produces;
          protocol::produce_response pr;
          protocol::produce_response::partition_produce_response pp;
          pp.index = 0;
          pp.error_code = produce_error(produces);
          pp.base_offset = 42;
          pr.responses.push_back({"t", {pp}});
          return {response_bytes(pr, r.version, r.correlation_id)};
        }) {}

  client_config config() const {
    client_config c;
    c.bootstrap_servers = "127.0.0.1:" + std::to_string(peer.port());
    return c;
  }
  scripted_peer peer;
  int produces = 0;
};

producer_record record() {
  producer_record r;
  r.topic = "t";
  r.value = to_bytes("v");
  return r;
}

TEST(producer, not_leader_refreshes_metadata_and_retries_the_batch) {
  asio::io_context io;
  fake_broker broker(io, [](int attempt) {
    return attempt == 1 ? error_code::not_leader_or_follower : error_code::none;
  });
  std::optional<result<record_metadata>> delivered;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    auto booted = co_await c.bootstrap();
    EXPECT_TRUE(booted) << booted.error().message;
    producer_config pc;
    pc.retry_backoff = 10ms;
    producer p(c, pc);
    EXPECT_TRUE(p.send(record(), [&](const result<record_metadata>& md) { delivered = md; }));
    auto flushed = co_await p.flush();
    EXPECT_TRUE(flushed) << flushed.error().message;
    c.close();
  });
  EXPECT_EQ(broker.produces, 2);
  ASSERT_TRUE(delivered && *delivered);
  EXPECT_EQ((*delivered)->offset, 42);
  EXPECT_EQ((*delivered)->partition, 0);
  // Metadata was asked again between the failed and the retried Produce.
  std::vector<api_key> order;
  for (auto& s : broker.peer.seen)
    if (s.key == api_key::produce || s.key == api_key::metadata) order.push_back(s.key);
  auto first = std::find(order.begin(), order.end(), api_key::produce);
  ASSERT_NE(first, order.end());
  auto refresh = std::find(first, order.end(), api_key::metadata);
  ASSERT_NE(refresh, order.end());
  EXPECT_NE(std::find(refresh, order.end(), api_key::produce), order.end());
}

TEST(producer, retries_a_retriable_error_until_it_clears_within_delivery_timeout) {
  // Kafka's defaults (retries unbounded, delivery.timeout.ms 120 s): a broker
  // refusing for longer than the old 5 attempts loses nothing.
  asio::io_context io;
  fake_broker broker(io, [](int attempt) {
    return attempt <= 12 ? error_code::not_leader_or_follower : error_code::none;
  });
  std::optional<result<record_metadata>> delivered;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    producer_config pc;
    pc.retry_backoff = 1ms;
    pc.retry_backoff_max = 4ms;
    producer p(c, pc);
    EXPECT_TRUE(p.send(record(), [&](const result<record_metadata>& md) { delivered = md; }));
    auto flushed = co_await p.flush();
    EXPECT_TRUE(flushed) << flushed.error().message;
    c.close();
  });
  EXPECT_EQ(broker.produces, 13);
  ASSERT_TRUE(delivered && *delivered);
  EXPECT_EQ((*delivered)->offset, 42);
}

TEST(producer, gives_up_at_delivery_timeout_and_says_what_was_not_delivered) {
  asio::io_context io;
  fake_broker broker(io, [](int) { return error_code::not_leader_or_follower; });
  std::optional<result<record_metadata>> delivered;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    producer_config pc;
    pc.retry_backoff = 5ms;
    pc.retry_backoff_max = 20ms;
    pc.delivery_timeout = 200ms;
    producer p(c, pc);
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(p.send(record(), [&](const result<record_metadata>& md) { delivered = md; }));
    auto flushed = co_await p.flush();
    EXPECT_FALSE(flushed);
    c.close();
  });
  EXPECT_GT(broker.produces, 3) << "retried with back-off until the timeout";
  ASSERT_TRUE(delivered && !*delivered);
  const auto& message = delivered->error().message;
  // Expired while waiting for its next try (Kafka: a TimeoutException), or
  // refused once more just after the timeout: either way the message says
  // which partition, how many records, the limit and the broker's reason.
  EXPECT_TRUE(delivered->error().code == error_code::request_timed_out ||
              delivered->error().code == error_code::not_leader_or_follower);
  EXPECT_NE(message.find("topic 't' partition 0: 3 records not delivered"), std::string::npos)
      << message;
  EXPECT_NE(message.find("delivery_timeout 200 ms"), std::string::npos) << message;
  EXPECT_NE(message.find("NOT_LEADER_OR_FOLLOWER"), std::string::npos) << message;
}

TEST(producer, a_fatal_error_reaches_the_callback_and_flush) {
  asio::io_context io;
  fake_broker broker(io, [](int) { return error_code::invalid_record; });
  std::optional<result<record_metadata>> delivered;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    auto booted = co_await c.bootstrap();
    EXPECT_TRUE(booted);
    producer p(c, {});
    EXPECT_TRUE(p.send(record(), [&](const result<record_metadata>& md) { delivered = md; }));
    auto flushed = co_await p.flush();
    EXPECT_FALSE(flushed);
    if (!flushed) {
      EXPECT_EQ(flushed.error().code, error_code::invalid_record);
    }
    EXPECT_EQ(p.records_failed(), 1u);
    c.close();
  });
  EXPECT_EQ(broker.produces, 1);  // not retried
  ASSERT_TRUE(delivered && !*delivered);
  EXPECT_EQ(delivered->error().message, "INVALID_RECORD: topic 't' partition 0");
}

TEST(producer, refuses_records_it_cannot_send) {
  asio::io_context io;
  cluster c(io.get_executor(), {});
  producer_config pc;
  pc.max_request_size = 100;
  producer p(c, pc);
  producer_record no_topic;
  auto r1 = p.send(no_topic);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, error_code::invalid_request);
  producer_record big = record();
  big.value = bytes(200);
  auto r2 = p.send(big);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, error_code::message_too_large);
}

}  // namespace
}  // namespace sluice::client
