// The idempotent producer against a scripted broker: a producer id before
// the first batch, per partition sequence numbers, resends of the same bytes,
// the order of resends, epoch bumps (KIP-360) and fatal fencing.

#include <gtest/gtest.h>

#include <map>

#include "client/producer.h"
#include "tests/client/producer_fake.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::api_key;
using protocol::error_code;
using namespace std::chrono_literals;

producer_record record(int32_t partition, std::string value = "v") {
  producer_record r;
  r.topic = "t";
  r.partition = partition;
  r.value = to_bytes(value);
  return r;
}

// Runs `body` with a bootstrapped cluster on the fake.
void with_cluster(asio::io_context& io, producer_fake& broker,
                  std::function<asio::awaitable<void>(cluster&)> body) {
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    auto booted = co_await c.bootstrap();
    EXPECT_TRUE(booted) << booted.error().message;
    co_await body(c);
    c.close();
  });
}

TEST(idempotent_producer, is_on_by_default_and_numbers_batches_per_partition) {
  asio::io_context io;
  producer_fake broker(io);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, {});
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(co_await p.flush());
    for (int i = 0; i < 2; ++i) EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(p.send(record(1)));
    auto flushed = co_await p.flush();
    EXPECT_TRUE(flushed) << flushed.error().message;
    EXPECT_EQ(p.producer_id(), 1001);
  });
  ASSERT_EQ(broker.inits.size(), 1u);
  EXPECT_FALSE(broker.inits[0].transactional_id);
  ASSERT_FALSE(broker.order.empty());
  EXPECT_EQ(broker.order.front(), api_key::init_producer_id);  // before any Produce
  std::map<int32_t, std::vector<int32_t>> sequences;
  for (auto& b : broker.batches) {
    EXPECT_EQ(b.producer_id, 1001);
    EXPECT_EQ(b.producer_epoch, 0);
    EXPECT_EQ(b.attributes & 0x10, 0) << "not transactional";
    sequences[b.partition].push_back(b.base_sequence);
  }
  EXPECT_EQ(sequences[0], (std::vector<int32_t>{0, 3}));  // 3 records, then 2
  EXPECT_EQ(sequences[1], (std::vector<int32_t>{0}));
}

TEST(idempotent_producer, a_lost_answer_is_resent_as_the_same_bytes) {
  asio::io_context io;
  producer_fake broker(io);
  broker.drop_produce = 1;  // the first Produce is written, its answer lost
  std::optional<result<record_metadata>> delivered;
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, {});
    EXPECT_TRUE(p.send(record(0), [&](const result<record_metadata>& md) { delivered = md; }));
    auto flushed = co_await p.flush();
    EXPECT_TRUE(flushed) << flushed.error().message;
  });
  ASSERT_EQ(broker.batches.size(), 2u);
  EXPECT_EQ(broker.batches[0].bytes, broker.batches[1].bytes);
  EXPECT_EQ(broker.batches[1].base_sequence, 0);
  ASSERT_TRUE(delivered && *delivered);
}

TEST(idempotent_producer, duplicate_sequence_number_is_a_delivery) {
  asio::io_context io;
  producer_fake broker(io);
  broker.produce_error = [](int, const produced_batch&) {
    return error_code::duplicate_sequence_number;
  };
  std::optional<result<record_metadata>> delivered;
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, {});
    EXPECT_TRUE(p.send(record(0), [&](const result<record_metadata>& md) { delivered = md; }));
    EXPECT_TRUE(co_await p.flush());
  });
  EXPECT_EQ(broker.produces, 1);
  ASSERT_TRUE(delivered && *delivered);
  EXPECT_EQ((*delivered)->offset, 101);
}

// A broker that dedupes like Kafka's: the next sequence is written, an older
// one is a duplicate, a later one is out of order. Its first sight of
// sequence 0 fails as NOT_LEADER (nothing written).
TEST(idempotent_producer, batches_behind_a_resent_one_follow_it_in_order) {
  asio::io_context io;
  producer_fake broker(io);
  std::map<int32_t, int32_t> expected;
  bool failed_once = false;
  std::vector<int32_t> written;
  broker.produce_error = [&](int, const produced_batch& b) {
    if (b.base_sequence == 0 && !failed_once) {
      failed_once = true;
      return error_code::not_leader_or_follower;
    }
    auto& e = expected[b.partition];
    if (b.base_sequence == e) {
      e += b.records;
      written.push_back(b.base_sequence);
      return error_code::none;
    }
    return b.base_sequence < e ? error_code::duplicate_sequence_number
                               : error_code::out_of_order_sequence_number;
  };
  std::vector<int64_t> offsets(3, -1);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer_config pc;
    pc.batch_size = 1;  // one record per batch: three batches in flight
    pc.retry_backoff = 5ms;
    producer p(c, pc);
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(p.send(record(0, std::to_string(i)), [&, i](const result<record_metadata>& md) {
        EXPECT_TRUE(md) << md.error().message;
        if (md) offsets[static_cast<size_t>(i)] = md->offset;
      }));
    auto flushed = co_await p.flush();
    EXPECT_TRUE(flushed) << flushed.error().message;
  });
  EXPECT_EQ(written, (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(broker.inits.size(), 1u) << "a resend in order needs no new epoch";
  EXPECT_LT(offsets[0], offsets[1]);
  EXPECT_LT(offsets[1], offsets[2]);
}

TEST(idempotent_producer, unknown_producer_id_bumps_and_resends_from_sequence_0) {
  asio::io_context io;
  producer_fake broker(io);
  broker.produce_error = [](int n, const produced_batch&) {
    return n == 2 ? error_code::unknown_producer_id : error_code::none;
  };
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, {});
    EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(co_await p.flush());
    EXPECT_TRUE(p.send(record(0)));
    auto flushed = co_await p.flush();
    EXPECT_TRUE(flushed) << flushed.error().message;
  });
  ASSERT_EQ(broker.inits.size(), 2u);
  // KIP-360: the re-init names the id and epoch held.
  EXPECT_EQ(broker.inits[1].producer_id, 1001);
  EXPECT_EQ(broker.inits[1].producer_epoch, 0);
  ASSERT_EQ(broker.batches.size(), 3u);
  EXPECT_EQ(broker.batches[1].base_sequence, 1);
  EXPECT_EQ(broker.batches[2].producer_id, 1002);
  EXPECT_EQ(broker.batches[2].base_sequence, 0);
}

TEST(idempotent_producer, invalid_producer_epoch_is_fatal) {
  asio::io_context io;
  producer_fake broker(io);
  broker.produce_error = [](int, const produced_batch&) {
    return error_code::invalid_producer_epoch;
  };
  std::optional<result<record_metadata>> delivered;
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, {});
    EXPECT_TRUE(p.send(record(0), [&](const result<record_metadata>& md) { delivered = md; }));
    EXPECT_FALSE(co_await p.flush());
    auto again = p.send(record(0));
    EXPECT_FALSE(again);
    if (!again) {
      EXPECT_EQ(again.error().code, error_code::invalid_producer_epoch);
    }
  });
  EXPECT_EQ(broker.produces, 1);
  ASSERT_TRUE(delivered && !*delivered);
  EXPECT_EQ(delivered->error().code, error_code::invalid_producer_epoch);
}

TEST(idempotent_producer, can_be_turned_off) {
  asio::io_context io;
  producer_fake broker(io);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer_config pc;
    pc.enable_idempotence = false;
    producer p(c, pc);
    EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(co_await p.flush());
  });
  EXPECT_TRUE(broker.inits.empty());
  ASSERT_EQ(broker.batches.size(), 1u);
  EXPECT_EQ(broker.batches[0].producer_id, -1);
  EXPECT_EQ(broker.batches[0].base_sequence, -1);
}

TEST(idempotent_producer, left_unset_gives_way_to_a_broker_without_it_asked_for_fails) {
  asio::io_context io;
  producer_fake broker(io);
  broker.serve_init_producer_id = false;
  std::optional<result<record_metadata>> refused;
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer plain(c, {});
    EXPECT_TRUE(plain.send(record(0)));
    EXPECT_TRUE(co_await plain.flush());
    producer_config pc;
    pc.enable_idempotence = true;
    producer strict(c, pc);
    EXPECT_TRUE(strict.send(record(0), [&](const result<record_metadata>& md) { refused = md; }));
    EXPECT_FALSE(co_await strict.flush());
  });
  ASSERT_EQ(broker.batches.size(), 1u);
  EXPECT_EQ(broker.batches[0].producer_id, -1);
  ASSERT_TRUE(refused && !*refused);
  EXPECT_EQ(refused->error().code, error_code::unsupported_version);
}

}  // namespace
}  // namespace sluice::client
