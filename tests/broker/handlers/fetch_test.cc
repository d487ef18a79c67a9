#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/fetch.h"
#include "protocol/uuid.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::fetch_request;
using protocol::fetch_response;

// The answer's bytes as the client receives them: memory pieces and file slices.
std::vector<std::byte> wire_bytes(const response& r) {
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

class fetch_handler : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  void append(int32_t partition, int count) {
    auto batch = sluice::test::build_batch(count, 20, 1000);
    batches_.push_back(batch);
    sluice::test::append_and_wait(*shard_.topics().get("t", partition), shard_.backend(),
                                  batches_.back());
  }

  fetch_request request_for(std::vector<std::pair<int32_t, int64_t>> parts, int32_t max_wait = 0,
                            int32_t min_bytes = 1) {
    fetch_request r;
    r.max_wait_ms = max_wait;
    r.min_bytes = min_bytes;
    r.isolation_level = 1;
    auto& t = r.topics.emplace_back();
    t.topic = "t";
    for (auto [p, o] : parts) t.partitions.push_back({p, -1, o, -1, 1 << 20});
    return r;
  }

  std::shared_ptr<test::answer> fetch(const fetch_request& body, int16_t version = 11) {
    auto a = std::make_shared<test::answer>();
    handle_fetch(shard_, test::make_request(body, version), test::capture(a));
    return a;
  }

  fetch_response decode(const test::answer& a, int16_t version = 11) {
    EXPECT_TRUE(a.value);
    auto bytes = wire_bytes(*a.value);
    protocol::response_header h;
    std::span<const std::byte> body;
    EXPECT_FALSE(protocol::parse_response_frame(std::span<const std::byte>(bytes).subspan(4),
                                                protocol::api_key::fetch, version, h, body));
    fetch_response r;
    EXPECT_FALSE(protocol::decode_message(body, version, r));
    return r;
  }

  test::fake_shard shard_;
  std::deque<std::vector<std::byte>> batches_;
};

TEST_F(fetch_handler, returns_available_data_at_once_as_a_file_slice) {
  append(0, 3);
  append(0, 2);
  auto a = fetch(request_for({{0, 0}}));
  ASSERT_TRUE(a->called);
  ASSERT_EQ(a->value->slices.size(), 1u);
  auto r = decode(*a);
  EXPECT_EQ(r.session_id, 0);
  const auto& p = r.responses.at(0).partitions.at(0);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.high_watermark, 5);
  EXPECT_EQ(p.last_stable_offset, 5);
  EXPECT_EQ(p.log_start_offset, 0);
  EXPECT_EQ(p.preferred_read_replica, -1);
  EXPECT_EQ(p.records.size(), batches_[0].size() + batches_[1].size());
}

TEST_F(fetch_handler, long_poll_is_woken_by_an_append) {
  append(0, 1);
  auto a = fetch(request_for({{0, 1}, {1, 0}}, 500));
  EXPECT_FALSE(a->called);
  EXPECT_EQ(shard_.pending_timers(), 1u);
  append(1, 2);  // completes inside the helper's drain, which moves the HW
  ASSERT_TRUE(a->called);
  EXPECT_EQ(shard_.pending_timers(), 0u);  // the deadline was cancelled
  auto r = decode(*a);
  EXPECT_EQ(r.responses[0].partitions[0].records.size(), 0u);
  EXPECT_EQ(r.responses[0].partitions[1].records.size(), batches_[1].size());
}

TEST_F(fetch_handler, long_poll_answers_empty_at_the_deadline) {
  auto a = fetch(request_for({{0, 0}}, 500));
  EXPECT_FALSE(a->called);
  shard_.fire_timers();
  ASSERT_TRUE(a->called);
  auto r = decode(*a);
  EXPECT_EQ(r.responses[0].partitions[0].error_code, error_code::none);
  EXPECT_EQ(r.responses[0].partitions[0].records.size(), 0u);
}

TEST_F(fetch_handler, min_bytes_keeps_waiting_until_enough) {
  append(0, 1);
  auto a = fetch(request_for({{0, 0}}, 500, 1 << 20));
  EXPECT_FALSE(a->called);
  shard_.fire_timers();
  ASSERT_TRUE(a->called);
  EXPECT_EQ(decode(*a).responses[0].partitions[0].records.size(), batches_[0].size());
}

TEST_F(fetch_handler, errors_answer_at_once) {
  append(0, 2);
  auto a = fetch(request_for({{0, 3}}, 500));
  ASSERT_TRUE(a->called);
  EXPECT_EQ(decode(*a).responses[0].partitions[0].error_code, error_code::offset_out_of_range);

  auto body = request_for({{7, 0}}, 500);
  auto b = fetch(body);
  ASSERT_TRUE(b->called);
  EXPECT_EQ(decode(*b).responses[0].partitions[0].error_code,
            error_code::unknown_topic_or_partition);
}

TEST_F(fetch_handler, a_named_fetch_session_is_not_found) {
  auto body = request_for({{0, 0}});
  body.session_id = 42;
  body.session_epoch = 1;
  auto a = fetch(body);
  ASSERT_TRUE(a->called);
  EXPECT_EQ(decode(*a).error_code, error_code::fetch_session_id_not_found);
}

TEST_F(fetch_handler, max_bytes_limits_later_partitions_but_not_the_first_batch) {
  append(0, 3);
  append(1, 3);
  auto body = request_for({{0, 0}, {1, 0}});
  body.max_bytes = 10;  // smaller than one batch
  auto a = fetch(body);
  ASSERT_TRUE(a->called);
  auto r = decode(*a);
  EXPECT_EQ(r.responses[0].partitions[0].records.size(), batches_[0].size());  // KIP-74
  EXPECT_EQ(r.responses[0].partitions[1].records.size(), 0u);
  EXPECT_EQ(r.responses[0].partitions[1].high_watermark, 3);
}

// Fetch v13+ (librdkafka 2.15, Kafka's Java client): topics by id, data
// still sent as a file slice, the id echoed and no name on the wire.
TEST_F(fetch_handler, v17_fetches_by_topic_id_with_zero_copy) {
  append(0, 3);
  const protocol::uuid id = shard_.topics().topic_id_or_zero("t");
  ASSERT_FALSE(protocol::is_zero(id));
  auto body = request_for({{0, 0}});
  body.topics[0].topic.clear();  // a v13+ client knows only the id
  body.topics[0].topic_id = id;
  auto a = fetch(body, 17);
  ASSERT_TRUE(a->called);
  ASSERT_EQ(a->value->slices.size(), 1u);
  auto r = decode(*a, 17);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].topic_id, id);
  EXPECT_EQ(r.responses[0].topic, "");
  const auto& p = r.responses[0].partitions.at(0);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.high_watermark, 3);
  EXPECT_EQ(p.records.size(), batches_[0].size());
  // A single node leads at epoch 0: the v12+ tagged fields keep their defaults.
  EXPECT_EQ(p.current_leader, protocol::leader_id_and_epoch{});
  EXPECT_EQ(p.diverging_epoch, fetch_response::epoch_end_offset{});
}

TEST_F(fetch_handler, an_unknown_topic_id_is_unknown_topic_id) {
  auto body = request_for({{0, 0}, {1, 0}});
  body.topics[0].topic_id.bytes[0] = std::byte{7};  // no topic has it
  auto a = fetch(body, 13);
  ASSERT_TRUE(a->called);
  auto r = decode(*a, 13);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].topic_id, body.topics[0].topic_id);
  ASSERT_EQ(r.responses[0].partitions.size(), 2u);
  for (const auto& p : r.responses[0].partitions) {
    EXPECT_EQ(p.error_code, error_code::unknown_topic_id);
  }
}

// A topic created again under its old name has a new id: a client holding the
// old one is told the id is unknown (it refreshes metadata), not served the
// new topic's data.
TEST_F(fetch_handler, the_id_of_a_recreated_topic_no_longer_fetches) {
  const protocol::uuid old_id = shard_.topics().topic_id_or_zero("t");
  ASSERT_FALSE(shard_.topics().delete_topic("t"));
  ASSERT_FALSE(shard_.topics().create_topic("t", 2));
  append(0, 2);
  auto body = request_for({{0, 0}});
  body.topics[0].topic_id = old_id;
  auto a = fetch(body, 17);
  ASSERT_TRUE(a->called);
  EXPECT_EQ(decode(*a, 17).responses[0].partitions[0].error_code, error_code::unknown_topic_id);

  body.topics[0].topic_id = shard_.topics().topic_id_or_zero("t");
  auto b = fetch(body, 17);
  ASSERT_TRUE(b->called);
  EXPECT_EQ(decode(*b, 17).responses[0].partitions[0].high_watermark, 2);
}

// v12 is flexible but still names topics.
TEST_F(fetch_handler, v12_fetches_by_name) {
  append(1, 2);
  auto a = fetch(request_for({{1, 0}}), 12);
  ASSERT_TRUE(a->called);
  auto r = decode(*a, 12);
  EXPECT_EQ(r.responses.at(0).topic, "t");
  EXPECT_EQ(r.responses.at(0).partitions.at(0).records.size(), batches_[0].size());
}

TEST_F(fetch_handler, a_stale_or_future_leader_epoch_is_fenced) {
  append(0, 2);
  auto req = request_for({{0, 0}});
  req.topics[0].partitions[0].current_leader_epoch = 0;  // this broker's: served
  auto ok = fetch(req);
  ASSERT_TRUE(ok->called);
  EXPECT_EQ(decode(*ok).responses[0].partitions[0].error_code, error_code::none);
  req.topics[0].partitions[0].current_leader_epoch = 3;
  auto later = fetch(req);
  ASSERT_TRUE(later->called);
  EXPECT_EQ(decode(*later).responses[0].partitions[0].error_code, error_code::unknown_leader_epoch);
  req.topics[0].partitions[0].current_leader_epoch = -2;
  auto a = fetch(req);
  ASSERT_TRUE(a->called);
  EXPECT_EQ(decode(*a).responses[0].partitions[0].error_code, error_code::fenced_leader_epoch);
}

}  // namespace
}  // namespace sluice::broker
