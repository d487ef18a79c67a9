#include <gtest/gtest.h>

#include "base/big_endian.h"
#include "broker/api_table.h"
#include "log/record_batch.h"
#include "protocol/messages/produce.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"
#include "tests/support/log_helpers.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::produce_request;
using protocol::produce_response;

class produce_handler : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  produce_request request_for(std::vector<std::pair<int32_t, std::vector<std::byte>*>> parts,
                              int16_t acks = -1) {
    produce_request r;
    r.acks = acks;
    r.timeout_ms = 1000;
    auto& t = r.topic_data.emplace_back();
    t.name = "t";
    for (auto [index, bytes] : parts) {
      t.partition_data.push_back({index, protocol::record_set::of(*bytes)});
    }
    return r;
  }

  std::shared_ptr<test::answer> produce(const produce_request& body, int16_t version = 7) {
    auto a = std::make_shared<test::answer>();
    handle_produce(shard_, test::make_request(body, version), test::capture(a));
    return a;
  }

  produce_response::partition_produce_response result(const test::answer& a, int32_t index,
                                                      int16_t version = 7) {
    EXPECT_TRUE(a.value);
    auto r = test::decode_answer<produce_response>(*a.value, version);
    for (const auto& p : r.responses.at(0).partition_responses) {
      if (p.index == index) return p;
    }
    ADD_FAILURE() << "no partition " << index;
    return {};
  }

  log::offset end_of(int32_t p) { return shard_.topics().get("t", p)->log_end_offset(); }

  test::fake_shard shard_;
};

TEST_F(produce_handler, acks_all_answers_after_the_flush) {
  auto batch = sluice::test::build_batch(3, 10, 1000);
  auto a = produce(request_for({{0, &batch}}));
  EXPECT_FALSE(a->called);  // waits for the fdatasync
  EXPECT_GE(shard_.flush_requests(), 1);
  shard_.run_io();
  ASSERT_TRUE(a->called);
  auto p = result(*a, 0);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.base_offset, 0);
  EXPECT_EQ(p.log_append_time_ms, -1);  // CreateTime topic (G6)
  EXPECT_EQ(p.log_start_offset, 0);
  EXPECT_EQ(shard_.topics().get("t", 0)->high_watermark(), log::offset{3});
}

TEST_F(produce_handler, corrupt_batch_fails_its_partition_only) {
  auto good = sluice::test::build_batch(2, 10, 1000);
  auto bad = sluice::test::build_batch(2, 10, 1000);
  bad.back() ^= std::byte{0xff};  // a record byte, covered by the CRC
  auto a = produce(request_for({{0, &bad}, {1, &good}}));
  shard_.run_io();
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0).error_code, error_code::corrupt_message);
  EXPECT_EQ(result(*a, 0).base_offset, -1);
  EXPECT_EQ(result(*a, 1).error_code, error_code::none);
  EXPECT_EQ(end_of(0), log::offset{0});
  EXPECT_EQ(end_of(1), log::offset{2});
}

TEST_F(produce_handler, trailing_garbage_and_empty_records_are_corrupt) {
  auto batch = sluice::test::build_batch(1, 10, 1000);
  batch.push_back(std::byte{1});
  std::vector<std::byte> empty;
  auto a = produce(request_for({{0, &batch}, {1, &empty}}));
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0).error_code, error_code::corrupt_message);
  EXPECT_EQ(result(*a, 1).error_code, error_code::corrupt_message);
  EXPECT_EQ(end_of(0), log::offset{0});
}

TEST_F(produce_handler, batch_above_max_message_bytes_is_too_large) {
  broker_config cfg;
  cfg.message_max_bytes = 200;
  test::fake_shard small(cfg);
  ASSERT_FALSE(small.topics().create_topic("t", 1));
  auto big = sluice::test::build_batch(5, 100, 1000);
  auto a = std::make_shared<test::answer>();
  handle_produce(small, test::make_request(request_for({{0, &big}}), 7), test::capture(a));
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0).error_code, error_code::message_too_large);
}

TEST_F(produce_handler, a_compacted_topic_refuses_records_without_a_key) {
  broker_config cfg;
  cfg.log_cleanup_policy = "compact";
  test::fake_shard compacted(cfg);
  ASSERT_FALSE(compacted.topics().create_topic("t", 2));
  auto keyed = sluice::test::build_batch({{"k1", "a", 1000}, {"k2", "b", 1000}});
  auto mixed = sluice::test::build_batch({{"k1", "a", 1000}, {"", "b", 1000, true}});
  auto a = std::make_shared<test::answer>();
  handle_produce(compacted, test::make_request(request_for({{0, &keyed}, {1, &mixed}}), 7),
                 test::capture(a));
  compacted.run_io();
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0).error_code, error_code::none);
  EXPECT_EQ(result(*a, 1).error_code, error_code::invalid_record);
  EXPECT_EQ(compacted.topics().get("t", 1)->log_end_offset(), log::offset{0});  // nothing of it
  // The same keyless batch is fine on a topic that only deletes.
  auto b = produce(request_for({{1, &mixed}}));
  shard_.run_io();
  ASSERT_TRUE(b->called);
  EXPECT_EQ(result(*b, 1).error_code, error_code::none);
}

TEST_F(produce_handler, unknown_partition_and_topic) {
  auto batch = sluice::test::build_batch(1, 10, 1000);
  auto body = request_for({{5, &batch}});
  auto a = produce(body);
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 5).error_code, error_code::unknown_topic_or_partition);
}

TEST_F(produce_handler, versions_below_3_are_refused_per_partition) {
  auto batch = sluice::test::build_batch(1, 10, 1000);
  auto a = produce(request_for({{0, &batch}}), 2);
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0, 2).error_code, error_code::unsupported_version);
  EXPECT_EQ(end_of(0), log::offset{0});
}

TEST_F(produce_handler, invalid_acks) {
  auto batch = sluice::test::build_batch(1, 10, 1000);
  auto a = produce(request_for({{0, &batch}}, 2));
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0).error_code, error_code::invalid_required_acks);
}

TEST_F(produce_handler, acks_zero_answers_nothing_at_once_and_still_appends) {
  auto batch = sluice::test::build_batch(4, 10, 1000);
  auto a = produce(request_for({{0, &batch}}, 0));
  ASSERT_TRUE(a->called);
  EXPECT_FALSE(a->value);
  shard_.run_io();
  EXPECT_EQ(shard_.topics().get("t", 0)->high_watermark(), log::offset{4});
}

TEST_F(produce_handler, acks_zero_with_an_error_closes_the_connection) {
  auto bad = sluice::test::build_batch(1, 10, 1000);
  bad.back() ^= std::byte{1};
  auto a = produce(request_for({{0, &bad}}, 0));
  ASSERT_TRUE(a->called && a->value);
  EXPECT_TRUE(a->value->close_connection);
}

// v9+ is flexible: the pre-decode walk that counts unknown partitions must
// read compact lengths and tag sections too, or a good request is refused.
TEST_F(produce_handler, v11_appends_and_answers_without_tagged_leader_fields) {
  auto batch = sluice::test::build_batch(3, 10, 1000);
  auto other = sluice::test::build_batch(2, 10, 1000);
  auto a = produce(request_for({{0, &batch}, {1, &other}}), 11);
  shard_.run_io();
  ASSERT_TRUE(a->called && a->value);
  ASSERT_FALSE(a->value->close_connection);
  auto p0 = result(*a, 0, 11);
  EXPECT_EQ(p0.error_code, error_code::none);
  EXPECT_EQ(p0.base_offset, 0);
  EXPECT_EQ(p0.current_leader, protocol::leader_id_and_epoch{});  // default: not written
  EXPECT_EQ(result(*a, 1, 11).error_code, error_code::none);
  EXPECT_EQ(end_of(0), log::offset{3});
  EXPECT_EQ(end_of(1), log::offset{2});
  auto r = test::decode_answer<produce_response>(*a->value, 11);
  EXPECT_TRUE(r.node_endpoints.empty());
}

TEST_F(produce_handler, v11_with_too_many_unknown_partitions_is_refused_before_decoding) {
  auto batch = sluice::test::build_batch(1, 10, 1000);
  produce_request body;
  body.acks = 1;
  auto& t = body.topic_data.emplace_back();
  t.name = "t";
  for (int32_t i = 0; i < 1001; ++i) {
    t.partition_data.push_back({100 + i, protocol::record_set::of(batch)});
  }
  auto a = produce(body, 11);
  ASSERT_TRUE(a->called && a->value);
  EXPECT_TRUE(a->value->close_connection);
}

TEST_F(produce_handler, appended_batches_carry_this_brokers_leader_epoch) {
  auto first = sluice::test::build_batch(2, 10, 1000);
  auto second = sluice::test::build_batch(3, 10, 1000);
  base::store_be<int32_t>(first.data() + 12, 7);  // what a producer might have written
  std::vector<std::byte> both = first;
  both.insert(both.end(), second.begin(), second.end());
  auto a = produce(request_for({{0, &both}}));
  shard_.run_io();
  ASSERT_TRUE(a->called);
  EXPECT_EQ(result(*a, 0).error_code, error_code::none);
  // The appended bytes (the request buffer, patched in place) name epoch 0.
  auto r = shard_.topics().get("t", 0)->read(log::offset{0}, 1 << 20);
  ASSERT_TRUE(r);
  auto bytes = sluice::test::read_slices(r->slices);
  ASSERT_EQ(bytes.size(), both.size());
  EXPECT_EQ(base::load_be<int32_t>(bytes.data() + 12), 0);
  EXPECT_EQ(base::load_be<int32_t>(bytes.data() + first.size() + 12), 0);
}

}  // namespace
}  // namespace sluice::broker
