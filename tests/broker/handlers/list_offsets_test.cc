#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/list_offsets.h"
#include "tests/broker/compressed_batch.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/handlers/txn_batches.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::list_offsets_request;
using protocol::list_offsets_response;

class list_offsets_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 1));
    for (int64_t ts : {1000, 2000, 3000}) {
      auto& b = batches_.emplace_back(sluice::test::build_batch(2, 10, ts));
      sluice::test::append_and_wait(*shard_.topics().get("t", 0), shard_.backend(), b);
    }
  }

  list_offsets_response::partition_response ask(int64_t timestamp, int16_t version = 5,
                                                int32_t partition = 0) {
    list_offsets_request r;
    auto& t = r.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({partition, -1, timestamp, 1});
    auto a = std::make_shared<test::answer>();
    handle_list_offsets(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<list_offsets_response>(*a->value, version)
        .topics.at(0)
        .partitions.at(0);
  }

  test::fake_shard shard_;
  std::deque<std::vector<std::byte>> batches_;
};

TEST_F(list_offsets_handler, earliest_and_latest) {
  EXPECT_EQ(ask(-2).offset, 0);
  EXPECT_EQ(ask(-1).offset, 6);  // the high watermark
  EXPECT_EQ(ask(-1).timestamp, -1);
}

TEST_F(list_offsets_handler, by_timestamp_finds_the_first_batch_at_or_after_it) {
  auto p = ask(1500);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, 2);
  EXPECT_EQ(p.timestamp, 2000);
  EXPECT_EQ(ask(0).offset, 0);
}

TEST_F(list_offsets_handler, past_the_newest_timestamp_is_minus_one) {
  auto p = ask(9999);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, -1);
  EXPECT_EQ(p.timestamp, -1);
}

TEST_F(list_offsets_handler, v0_answers_old_style_offsets) {
  EXPECT_EQ(ask(-1, 0).old_style_offsets, std::vector<int64_t>{6});
  EXPECT_EQ(ask(-2, 0).old_style_offsets, std::vector<int64_t>{0});
}

TEST_F(list_offsets_handler, unknown_partition) {
  EXPECT_EQ(ask(-1, 5, 9).error_code, error_code::unknown_topic_or_partition);
}

TEST_F(list_offsets_handler, found_offsets_carry_leader_epoch_0_and_misses_minus_1) {
  EXPECT_EQ(ask(-1, 6).leader_epoch, 0);
  EXPECT_EQ(ask(1500, 6).leader_epoch, 0);
  EXPECT_EQ(ask(9999, 6).leader_epoch, -1);
}

// Kafka's timestampMinSupportedVersion: each special timestamp from the
// version that introduced it; an undefined negative one never.
TEST_F(list_offsets_handler, special_timestamps_below_their_version_are_unsupported) {
  EXPECT_EQ(ask(-3, 6).error_code, error_code::unsupported_version);
  EXPECT_EQ(ask(-4, 7).error_code, error_code::unsupported_version);
  EXPECT_EQ(ask(-5, 8).error_code, error_code::unsupported_version);
  EXPECT_EQ(ask(-6, 10).error_code, error_code::unsupported_version);
  EXPECT_EQ(ask(-3, 0).error_code, error_code::unsupported_version);
  EXPECT_EQ(ask(-3, 7).error_code, error_code::none);
}

TEST_F(list_offsets_handler, earliest_local_is_the_log_start_offset) {
  auto p = ask(-4, 8);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, 0);
  EXPECT_EQ(p.timestamp, -1);
  EXPECT_EQ(p.leader_epoch, 0);
}

// No tiered storage: Kafka answers offset -1, timestamp -1, epoch -1.
TEST_F(list_offsets_handler, latest_tiered_is_minus_one_without_tiered_storage) {
  for (int16_t v : {9, 10}) {
    auto p = ask(-5, v);
    EXPECT_EQ(p.error_code, error_code::none);
    EXPECT_EQ(p.offset, -1);
    EXPECT_EQ(p.timestamp, -1);
    EXPECT_EQ(p.leader_epoch, -1);
  }
}

TEST_F(list_offsets_handler, every_version_answers_the_same_offsets) {
  for (int16_t v = 1; v <= 10; ++v) {
    EXPECT_EQ(ask(-1, v).offset, 6) << v;
    EXPECT_EQ(ask(2500, v).offset, 4) << v;
  }
}

TEST_F(list_offsets_handler, a_partition_asked_twice_is_invalid_request) {
  list_offsets_request r;
  r.topics.push_back({"t", {{0, -1, -1, 1}, {0, -1, -2, 1}}});
  auto a = std::make_shared<test::answer>();
  handle_list_offsets(shard_, test::make_request(r, 6), test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto resp = test::decode_answer<list_offsets_response>(*a->value, 6);
  ASSERT_EQ(resp.topics.at(0).partitions.size(), 2u);
  for (const auto& p : resp.topics[0].partitions) {
    EXPECT_EQ(p.error_code, error_code::invalid_request);
    EXPECT_EQ(p.offset, -1);
  }
}

// Kafka's checkCurrentLeaderEpoch against the single replica's epoch 0.
TEST_F(list_offsets_handler, current_leader_epoch_is_fenced) {
  for (int32_t epoch : {0, 1, -2}) {
    list_offsets_request one;
    one.topics.push_back({"t", {{0, epoch, -1, 1}}});
    auto ans = std::make_shared<test::answer>();
    handle_list_offsets(shard_, test::make_request(one, 5), test::capture(ans));
    ASSERT_TRUE(ans->called && ans->value);
    auto p =
        test::decode_answer<list_offsets_response>(*ans->value, 5).topics.at(0).partitions.at(0);
    const error_code want = epoch == 0   ? error_code::none
                            : epoch == 1 ? error_code::unknown_leader_epoch
                                         : error_code::fenced_leader_epoch;
    EXPECT_EQ(p.error_code, want) << epoch;
  }
}

// Exact lookups inside batches: the first record (in offset order) whose
// timestamp is >= the target, with the middle batch compressed by each codec.
//   offsets 0-3   uncompressed  1000 1100 1200 1300
//   offsets 4-7   <codec>       2000 2100 9999 2050
//   offsets 8-9   uncompressed  3000 3100
class list_offsets_exact : public ::testing::TestWithParam<compression::codec> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("x", 1));
    append(test::batch_with_timestamps({1000, 1100, 1200, 1300}, compression::codec::none));
    append(test::batch_with_timestamps({2000, 2100, 9999, 2050}, GetParam()));
    append(test::batch_with_timestamps({3000, 3100}, compression::codec::none));
  }
  void append(std::vector<std::byte> b) {
    auto& stored = batches_.emplace_back(std::move(b));
    sluice::test::append_and_wait(*shard_.topics().get("x", 0), shard_.backend(), stored);
  }
  list_offsets_response::partition_response ask(int64_t timestamp, int16_t version = 10) {
    list_offsets_request r;
    r.topics.push_back({"x", {{0, -1, timestamp, 1}}});
    auto a = std::make_shared<test::answer>();
    handle_list_offsets(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<list_offsets_response>(*a->value, version)
        .topics.at(0)
        .partitions.at(0);
  }
  void expect_found(int64_t timestamp, int64_t offset, int64_t found_timestamp) {
    auto p = ask(timestamp);
    EXPECT_EQ(p.error_code, error_code::none) << timestamp;
    EXPECT_EQ(p.offset, offset) << "target " << timestamp;
    EXPECT_EQ(p.timestamp, found_timestamp) << "target " << timestamp;
  }

  test::fake_shard shard_;
  std::deque<std::vector<std::byte>> batches_;
};

TEST_P(list_offsets_exact, inside_an_uncompressed_batch) {
  expect_found(0, 0, 1000);
  expect_found(1000, 0, 1000);
  expect_found(1001, 1, 1100);
  expect_found(1150, 2, 1200);
  expect_found(1300, 3, 1300);
}

TEST_P(list_offsets_exact, inside_the_compressed_batch) {
  expect_found(1301, 4, 2000);
  expect_found(2001, 5, 2100);
  // 2050 (offset 7) is closer, but 9999 (offset 6) comes first: Kafka's rule.
  expect_found(2101, 6, 9999);
  // The batch's max timestamp (9999) makes it the first candidate even for
  // targets that the next batch also satisfies.
  expect_found(3050, 6, 9999);
}

TEST_P(list_offsets_exact, past_every_record_is_minus_one) {
  auto p = ask(10000);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, -1);
  EXPECT_EQ(p.timestamp, -1);
}

TEST_P(list_offsets_exact, max_timestamp_is_the_record_that_holds_it) {
  auto p = ask(protocol::list_offsets_max_timestamp, 7);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, 6);
  EXPECT_EQ(p.timestamp, 9999);
  EXPECT_EQ(p.leader_epoch, 0);
}

TEST_P(list_offsets_exact, records_below_the_log_start_offset_are_skipped) {
  ASSERT_FALSE(shard_.topics().get("x", 0)->delete_records_before(log::offset{5}));
  expect_found(1000, 5, 2100);
  expect_found(2101, 6, 9999);
  EXPECT_EQ(ask(-2).offset, 5);
  EXPECT_EQ(ask(-4, 8).offset, 5);
}

INSTANTIATE_TEST_SUITE_P(all, list_offsets_exact, ::testing::ValuesIn(test::every_codec()),
                         [](const auto& info) {
                           return std::string(compression::codec_name(info.param));
                         });

// Isolation (v2+): a read_committed consumer is never told an offset at or
// past the last stable offset, as Kafka's lastFetchableOffset rule says.
class list_offsets_isolation : public list_offsets_handler {
 protected:
  list_offsets_response::partition_response ask_as(int64_t timestamp, int8_t isolation,
                                                   int32_t replica_id = -1, int16_t version = 7) {
    list_offsets_request r;
    r.isolation_level = isolation;
    r.replica_id = replica_id;
    auto& t = r.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({0, -1, timestamp, 1});
    auto a = std::make_shared<test::answer>();
    handle_list_offsets(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<list_offsets_response>(*a->value, version)
        .topics.at(0)
        .partitions.at(0);
  }
};

TEST_F(list_offsets_isolation, latest_is_the_lso_for_read_committed_and_the_hw_otherwise) {
  test::txn_writer w(*shard_.topics().get("t", 0), shard_.backend());
  EXPECT_EQ(w.data(2, 7, 0, true, 5000), 6);  // 6-7, an open transaction
  EXPECT_EQ(ask_as(-1, 1).offset, 6);
  EXPECT_EQ(ask_as(-1, 0).offset, 8);
  EXPECT_EQ(ask_as(-1, 1, /*replica_id=*/1).offset, 8);  // not a consumer: the LEO
  w.end_txn(7, true);                                    // 8
  EXPECT_EQ(ask_as(-1, 1).offset, 9);
}

TEST_F(list_offsets_isolation, a_timestamp_inside_an_open_transaction_is_not_found_committed) {
  test::txn_writer w(*shard_.topics().get("t", 0), shard_.backend());
  w.data(2, 7, 0, true, 5000);  // 6-7
  auto committed = ask_as(4000, 1);
  EXPECT_EQ(committed.error_code, error_code::none);
  EXPECT_EQ(committed.offset, -1);
  EXPECT_EQ(ask_as(4000, 0).offset, 6);
  EXPECT_EQ(ask_as(-3, 1).offset, -1);  // the newest record is past the LSO
  EXPECT_EQ(ask_as(-3, 0).offset, 6);
  w.end_txn(7, false);  // aborted: the LSO passes it, and the offset is readable again
  EXPECT_EQ(ask_as(4000, 1).offset, 6);
}

}  // namespace
}  // namespace sluice::broker
