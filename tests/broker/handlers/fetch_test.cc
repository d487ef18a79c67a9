#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/fetch.h"
#include "protocol/uuid.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/handlers/txn_batches.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::fetch_request;
using protocol::fetch_response;

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
    auto bytes = test::wire_bytes(*a.value);
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

// Transactions (KIP-98): read_committed stops at the last stable offset and
// lists the aborted transactions of the data it returns.
class fetch_read_committed : public fetch_handler {
 protected:
  test::txn_writer log0() {
    return test::txn_writer(*shard_.topics().get("t", 0), shard_.backend());
  }

  const fetch_response::partition_data& only(const fetch_response& r) {
    return r.responses.at(0).partitions.at(0);
  }
  fetch_response fetch_at(int64_t offset, int8_t isolation, int32_t max_bytes = 1 << 20) {
    auto body = request_for({{0, offset}});
    body.isolation_level = isolation;
    body.topics[0].partitions[0].partition_max_bytes = max_bytes;
    auto a = fetch(body);
    EXPECT_TRUE(a->called);
    return decode(*a);
  }
};

TEST_F(fetch_read_committed, an_open_transaction_holds_read_committed_back_at_its_first_offset) {
  auto w = log0();
  w.data(2, -1, -1, false);              // offsets 0-1, plain
  EXPECT_EQ(w.data(3, 7, 0), 2);         // 2-4, transaction of producer 7, open
  EXPECT_EQ(w.data(1, 9, 0, false), 5);  // 5, an idempotent producer's

  auto committed = fetch_at(0, 1);
  const auto& c = only(committed);
  EXPECT_EQ(c.error_code, error_code::none);
  EXPECT_EQ(c.high_watermark, 6);
  EXPECT_EQ(c.last_stable_offset, 2);
  EXPECT_EQ(c.records.size(), w.size_of(0));  // only the batch below the LSO
  ASSERT_TRUE(c.aborted_transactions);
  EXPECT_TRUE(c.aborted_transactions->empty());

  // read_uncommitted reads to the HW but reports the same LSO.
  auto uncommitted = fetch_at(0, 0);
  EXPECT_EQ(only(uncommitted).last_stable_offset, 2);
  EXPECT_EQ(only(uncommitted).records.size(), w.size_of(0) + w.size_of(1) + w.size_of(2));

  // At the LSO there is nothing yet for read_committed, and no error.
  auto at_lso = fetch_at(2, 1);
  EXPECT_EQ(only(at_lso).error_code, error_code::none);
  EXPECT_EQ(only(at_lso).records.size(), 0u);
}

TEST_F(fetch_read_committed, an_aborted_transaction_is_listed_with_its_producer_and_first_offset) {
  auto w = log0();
  w.data(2, 7, 0);           // 0-1
  w.data(1, -1, -1, false);  // 2, plain, inside the transaction's range
  w.end_txn(7, false);       // 3, abort marker
  auto r = fetch_at(0, 1);
  const auto& p = only(r);
  EXPECT_EQ(p.last_stable_offset, 4);
  EXPECT_EQ(p.high_watermark, 4);
  EXPECT_EQ(p.records.size(), w.size_of(0) + w.size_of(1) + w.size_of(2));
  ASSERT_TRUE(p.aborted_transactions);
  ASSERT_EQ(p.aborted_transactions->size(), 1u);
  EXPECT_EQ(p.aborted_transactions->at(0), (fetch_response::aborted_transaction{7, 0}));
  // A committed transaction adds nothing to the list.
  w.data(1, 8, 0);
  w.end_txn(8, true);
  auto later = fetch_at(4, 1);
  ASSERT_TRUE(only(later).aborted_transactions);
  EXPECT_TRUE(only(later).aborted_transactions->empty());
  EXPECT_EQ(only(later).last_stable_offset, 6);
}

TEST_F(fetch_read_committed, only_aborted_transactions_overlapping_the_returned_data_are_listed) {
  auto w = log0();
  w.data(2, 7, 0);           // 0-1, aborted below
  w.end_txn(7, false);       // 2
  w.data(3, -1, -1, false);  // 3-5
  w.data(2, 8, 0);           // 6-7, aborted below
  w.end_txn(8, false);       // 8
  using at = fetch_response::aborted_transaction;
  auto listed = [&](int64_t from, int32_t max_bytes) {
    auto r = fetch_at(from, 1, max_bytes);
    EXPECT_TRUE(only(r).aborted_transactions);
    return only(r).aborted_transactions.value_or(std::vector<at>{});
  };
  EXPECT_EQ(listed(0, 1), (std::vector<at>{{7, 0}}));  // one batch: offsets 0-1
  EXPECT_EQ(listed(0, 1 << 20), (std::vector<at>{{7, 0}, {8, 6}}));
  EXPECT_EQ(listed(3, 1), std::vector<at>{});  // the plain batch alone
  EXPECT_EQ(listed(3, 1 << 20), (std::vector<at>{{8, 6}}));
  EXPECT_EQ(listed(1, 1), (std::vector<at>{{7, 0}}));  // from inside the aborted batch
  EXPECT_EQ(listed(9, 1 << 20), std::vector<at>{});    // nothing returned, nothing listed
}

// A read_committed long poll sleeps through appends that do not move the LSO
// and wakes when the commit marker becomes durable.
TEST_F(fetch_read_committed, a_long_poll_wakes_when_the_commit_moves_the_lso) {
  auto w = log0();
  w.data(2, 7, 0);  // 0-1, open
  auto body = request_for({{0, 0}}, 500);
  body.isolation_level = 1;
  auto a = fetch(body);
  EXPECT_FALSE(a->called);
  w.data(1, 7, 2);  // 2: the HW moves, the LSO stays at 0
  EXPECT_FALSE(a->called);
  w.end_txn(7, true);  // 3
  ASSERT_TRUE(a->called);
  EXPECT_EQ(shard_.pending_timers(), 0u);
  auto r = decode(*a);
  const auto& p = only(r);
  EXPECT_EQ(p.last_stable_offset, 4);
  EXPECT_EQ(p.records.size(), w.size_of(0) + w.size_of(1) + w.size_of(2));
}

}  // namespace
}  // namespace sluice::broker
