// consumer against a scripted broker holding offsets 5-9 of topic "t":
// start positions, skipping records below the fetch offset, end detection,
// and OFFSET_OUT_OF_RANGE either reported or reset.

#include "client/consumer.h"

#include <gtest/gtest.h>

#include "client/record_batch.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/list_offsets.h"
#include "tests/client/scripted_peer.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::api_key;
using protocol::error_code;
using namespace std::chrono_literals;
using frames = std::vector<std::vector<std::byte>>;

constexpr int64_t log_start = 5;
constexpr int64_t log_end = 10;

std::vector<std::byte> stored_batch() {
  std::vector<batch_record> records;
  for (int64_t i = log_start; i < log_end; ++i)
    records.push_back({.timestamp = 1000 + i,
                       .key = to_bytes("k" + std::to_string(i)),
                       .value = to_bytes("v" + std::to_string(i)),
                       .headers = {}});
  batch_options options;
  options.base_offset = log_start;
  options.compression = compression_type::lz4;
  return encode_batch(records, options).value();
}

struct fake_broker {
  explicit fake_broker(asio::io_context& io)
      : batch(stored_batch()), peer(io, [this](const request_seen& r) { return answer(r); }) {}

  frames answer(const request_seen& r) {
    if (r.key == api_key::api_versions) {
      auto v = versions();
      v.api_keys.push_back({static_cast<int16_t>(api_key::fetch), 4, 11});
      v.api_keys.push_back({static_cast<int16_t>(api_key::list_offsets), 1, 5});
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
    if (r.key == api_key::list_offsets) {
      protocol::list_offsets_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      protocol::list_offsets_response resp;
      protocol::list_offsets_response::partition_response p;
      p.partition_index = 0;
      const int64_t ts = req.topics.at(0).partitions.at(0).timestamp;
      p.offset = ts == protocol::list_offsets_earliest_timestamp ? log_start : log_end;
      resp.topics.push_back({"t", {p}});
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    protocol::fetch_request req;
    EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
    const int64_t at = req.topics.at(0).partitions.at(0).fetch_offset;
    fetch_offsets.push_back(at);
    protocol::fetch_response resp;
    protocol::fetch_response::partition_data p;
    p.partition_index = 0;
    p.high_watermark = log_end;
    if (at < log_start || at > log_end)
      p.error_code = error_code::offset_out_of_range;
    else if (at < log_end)
      p.records = protocol::record_set::of(batch);  // the whole batch, from its base
    resp.responses.push_back({"t", {p}});
    return {response_bytes(resp, r.version, r.correlation_id)};
  }

  client_config config() const {
    client_config c;
    c.bootstrap_servers = "127.0.0.1:" + std::to_string(peer.port());
    return c;
  }

  std::vector<std::byte> batch;
  scripted_peer peer;
  std::vector<int64_t> fetch_offsets;
};

consumer_config fast() {
  consumer_config c;
  c.fetch_max_wait = 50ms;
  return c;
}

TEST(consumer, reads_from_an_offset_inside_a_batch_to_the_end) {
  asio::io_context io;
  fake_broker broker(io);
  std::vector<consumer_record> got;
  bool ended = false;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    consumer k(c, fast());
    std::vector<partition_assignment> parts{{{"t", 0}, start_position::at(7)}};
    auto assigned = co_await k.assign(std::move(parts));
    EXPECT_TRUE(assigned) << assigned.error().message;
    for (int i = 0; i < 20 && !k.at_end(); ++i) {
      auto recs = co_await k.poll(100ms);
      EXPECT_TRUE(recs);
      if (!recs) break;
      for (auto& r : *recs) got.push_back(std::move(r));
    }
    ended = k.at_end();
    EXPECT_EQ(k.position({"t", 0}), log_end);
    EXPECT_EQ(k.high_watermark({"t", 0}), log_end);
    c.close();
  });
  EXPECT_TRUE(ended);
  ASSERT_EQ(got.size(), 3u);  // 7, 8, 9: 5 and 6 were in the batch but below the offset
  EXPECT_EQ(got[0].offset, 7);
  EXPECT_EQ(as_text(*got[0].value), "v7");
  EXPECT_EQ(got[2].offset, 9);
}

TEST(consumer, back_n_starts_n_records_before_the_end_clamped_at_the_start) {
  asio::io_context io;
  fake_broker broker(io);
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    consumer k(c, fast());
    auto two = co_await k.resolve({"t", 0}, start_position::back(2));
    EXPECT_TRUE(two && *two == 8);
    auto many = co_await k.resolve({"t", 0}, start_position::back(100));
    EXPECT_TRUE(many && *many == log_start);
    c.close();
  });
}

TEST(consumer, offset_out_of_range_is_reported_naming_the_partition) {
  asio::io_context io;
  fake_broker broker(io);
  std::optional<client_error> error;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    consumer k(c, fast());
    std::vector<partition_assignment> parts{{{"t", 0}, start_position::at(100)}};
    EXPECT_TRUE(co_await k.assign(std::move(parts)));
    for (int i = 0; i < 20 && !error; ++i) {
      auto recs = co_await k.poll(100ms);
      if (!recs) error = recs.error();
    }
    c.close();
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, error_code::offset_out_of_range);
  EXPECT_EQ(error->message, "OFFSET_OUT_OF_RANGE: topic 't' partition 0 offset 100");
}

TEST(consumer, offset_out_of_range_resets_to_earliest_when_configured) {
  asio::io_context io;
  fake_broker broker(io);
  size_t count = 0;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    auto cfg = fast();
    cfg.auto_offset_reset = offset_reset::earliest;
    consumer k(c, cfg);
    std::vector<partition_assignment> parts{{{"t", 0}, start_position::at(100)}};
    EXPECT_TRUE(co_await k.assign(std::move(parts)));
    for (int i = 0; i < 20 && count < 5; ++i) {
      auto recs = co_await k.poll(100ms);
      EXPECT_TRUE(recs);
      if (!recs) break;
      count += recs->size();
    }
    c.close();
  });
  EXPECT_EQ(count, 5u);
  ASSERT_GE(broker.fetch_offsets.size(), 2u);
  EXPECT_EQ(broker.fetch_offsets[0], 100);
  EXPECT_EQ(broker.fetch_offsets[1], log_start);
}

}  // namespace
}  // namespace sluice::client
