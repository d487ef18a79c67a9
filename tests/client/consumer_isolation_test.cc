// consumer isolation levels against a scripted broker holding a log with
// transactions (tests/client/txn_log.h): read_committed asks for it in Fetch
// and ListOffsets, drops aborted records and ends at the last stable offset.

#include <gtest/gtest.h>

#include "client/consumer.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/metadata.h"
#include "tests/client/scripted_peer.h"
#include "tests/client/txn_log.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::api_key;
using protocol::error_code;
using namespace std::chrono_literals;
using frames = std::vector<std::vector<std::byte>>;

// The log's high watermark is 9 (offset 8 is an open transaction's record,
// not in `log`); its last stable offset is 8.
constexpr int64_t high_watermark = txn_log_end + 1;
constexpr int64_t last_stable = txn_log_end;

struct fake_broker {
  explicit fake_broker(asio::io_context& io)
      : log(txn_log()), peer(io, [this](const request_seen& r) { return answer(r); }) {}

  frames answer(const request_seen& r) {
    if (r.key == api_key::api_versions) {
      auto v = versions();
      v.api_keys.push_back({static_cast<int16_t>(api_key::fetch), 4, 11});
      v.api_keys.push_back({static_cast<int16_t>(api_key::list_offsets), 2, 5});
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
      list_isolation.push_back(req.isolation_level);
      protocol::list_offsets_response resp;
      protocol::list_offsets_response::partition_response p;
      p.offset = req.isolation_level == 1 ? last_stable : high_watermark;
      resp.topics.push_back({"t", {p}});
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    protocol::fetch_request req;
    EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
    fetch_isolation.push_back(req.isolation_level);
    const int64_t at = req.topics.at(0).partitions.at(0).fetch_offset;
    protocol::fetch_response resp;
    protocol::fetch_response::partition_data p;
    p.high_watermark = high_watermark;
    p.last_stable_offset = last_stable;
    // A broker answers aborted transactions only to read_committed fetches.
    if (req.isolation_level == 1)
      p.aborted_transactions = std::vector<protocol::fetch_response::aborted_transaction>{{7, 0}};
    else
      p.aborted_transactions = std::nullopt;
    if (at < txn_log_end) p.records = protocol::record_set::of(log);
    resp.responses.push_back({"t", {p}});
    return {response_bytes(resp, r.version, r.correlation_id)};
  }

  client_config config() const {
    client_config c;
    c.bootstrap_servers = "127.0.0.1:" + std::to_string(peer.port());
    return c;
  }

  std::vector<std::byte> log;
  scripted_peer peer;
  std::vector<int8_t> fetch_isolation;
  std::vector<int8_t> list_isolation;
};

std::vector<int64_t> read_to_end(asio::io_context& io, fake_broker& broker, isolation_level level,
                                 std::optional<int64_t>& end, std::optional<int64_t>& latest) {
  std::vector<int64_t> got;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    EXPECT_TRUE(co_await c.bootstrap());
    consumer_config cc;
    cc.fetch_max_wait = 20ms;
    cc.isolation = level;
    consumer k(c, cc);
    auto resolved = co_await k.resolve({"t", 0}, start_position::latest());
    if (resolved) latest = *resolved;
    std::vector<partition_assignment> parts{{{"t", 0}, start_position::at(0)}};
    EXPECT_TRUE(co_await k.assign(std::move(parts)));
    for (int i = 0; i < 30 && !k.at_end(); ++i) {
      auto recs = co_await k.poll(50ms);
      EXPECT_TRUE(recs);
      if (!recs) break;
      for (auto& r : *recs) got.push_back(r.offset);
    }
    end = k.end_offset({"t", 0});
    c.close();
  });
  return got;
}

TEST(consumer_isolation, read_committed_skips_aborted_records_and_ends_at_the_lso) {
  asio::io_context io;
  fake_broker broker(io);
  std::optional<int64_t> end, latest;
  auto got = read_to_end(io, broker, isolation_level::read_committed, end, latest);
  EXPECT_EQ(got, (std::vector<int64_t>{2, 5, 7}));
  EXPECT_EQ(end, last_stable);
  EXPECT_EQ(latest, last_stable);
  ASSERT_FALSE(broker.fetch_isolation.empty());
  EXPECT_EQ(broker.fetch_isolation[0], 1);
  ASSERT_FALSE(broker.list_isolation.empty());
  EXPECT_EQ(broker.list_isolation[0], 1);
}

TEST(consumer_isolation, read_uncommitted_is_the_default_and_never_shows_markers) {
  EXPECT_EQ(consumer_config{}.isolation, isolation_level::read_uncommitted);
  asio::io_context io;
  fake_broker broker(io);
  std::optional<int64_t> end, latest;
  auto got = read_to_end(io, broker, isolation_level::read_uncommitted, end, latest);
  EXPECT_EQ(got, (std::vector<int64_t>{0, 1, 2, 5, 7}));
  EXPECT_EQ(end, high_watermark);
  EXPECT_EQ(latest, high_watermark);
  ASSERT_FALSE(broker.fetch_isolation.empty());
  EXPECT_EQ(broker.fetch_isolation[0], 0);
}

}  // namespace
}  // namespace sluice::client
