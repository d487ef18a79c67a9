// An idle ShareFetch waits for events, not a timer: it answers as soon as an
// append, an acknowledgement or a lock expiry lets its member acquire, while
// its MaxWaitMs deadline is still far away. The fake shard's clock moves
// only where a test says (a sweep, the deadline itself).
#include <gtest/gtest.h>

#include <chrono>

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_fetch.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/share/share_calls.h"

namespace sluice::broker::share {
namespace {

using namespace std::chrono_literals;
using protocol::error_code;

constexpr int32_t long_wait_ms = 10000;

// A request whose answer the test collects when it comes.
struct pending {
  std::shared_ptr<test::answer> answer = std::make_shared<test::answer>();
  request req;
};

template <class Req>
pending start(test::fake_shard& shard, handler_fn h, const Req& body, int16_t version) {
  pending p;
  p.req = test::make_request(body, version);
  h(shard, p.req, test::capture(p.answer));
  return p;
}

// Runs I/O completions and deferred work, never a deadline.
void settle(test::fake_shard& shard) {
  for (int i = 0; i < 5; ++i) {
    shard.run_io();
    shard.advance(0);  // what is merely deferred (0 ms), not a deadline
  }
}

protocol::share_fetch_request waiting_fetch(test::fake_shard& shard, const std::string& member,
                                            int32_t epoch) {
  auto f = fetch(shard, epoch, 1);
  f.member_id = member;
  f.max_wait_ms = long_wait_ms;
  return f;
}

std::vector<int64_t> acquired_offsets(const pending& p) {
  EXPECT_TRUE(p.answer->called);
  std::vector<int64_t> out;
  if (!p.answer->called || !p.answer->value) return out;
  auto r = test::decode_answer<protocol::share_fetch_response>(*p.answer->value, 1);
  for (const auto& t : r.responses) {
    for (const auto& pd : t.partitions) {
      for (const auto& a : pd.acquired) {
        for (int64_t o = a.first_offset; o <= a.last_offset; ++o) out.push_back(o);
      }
    }
  }
  return out;
}

TEST(share_fetch_wait, a_member_at_its_limit_is_woken_by_its_own_acknowledgement) {
  test::fake_shard shard;
  produce(shard, "t", 3);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  auto first = call<protocol::share_fetch_response>(shard, &handle_share_fetch,
                                                    waiting_fetch(shard, "m", 0), 1);
  ASSERT_EQ(first.responses.at(0).partitions.at(0).acquired.size(), 1u);

  // MaxRecords 1 and one record held: nothing to acquire, so it waits.
  auto next = start(shard, &handle_share_fetch, waiting_fetch(shard, "m", 1), 1);
  settle(shard);
  EXPECT_FALSE(next.answer->called);

  protocol::share_acknowledge_request ack;
  ack.group_id = "g";
  ack.member_id = "m";
  ack.share_session_epoch = 2;
  ack.topics.push_back({topic_id_of(shard, "t"), {{0, {{0, 0, {1}}}}}});
  auto acked = start(shard, &handle_share_acknowledge, ack, 1);
  settle(shard);
  ASSERT_TRUE(acked.answer->called);
  // Woken by the acknowledgement once it was durable, long before 10 s.
  EXPECT_EQ(acquired_offsets(next), std::vector<int64_t>{1});
}

TEST(share_fetch_wait, an_idle_fetch_is_woken_by_an_append) {
  test::fake_shard shard;
  produce(shard, "t", 1);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  auto first = call<protocol::share_fetch_response>(shard, &handle_share_fetch,
                                                    waiting_fetch(shard, "m", 0), 1);
  ASSERT_EQ(first.responses.at(0).partitions.at(0).acquired.size(), 1u);
  // Accept offset 0 in the next fetch, which then finds nothing and waits.
  auto f = waiting_fetch(shard, "m", 1);
  f.topics[0].partitions[0].acknowledgement_batches = {{0, 0, {1}}};
  auto next = start(shard, &handle_share_fetch, f, 1);
  settle(shard);
  EXPECT_FALSE(next.answer->called);

  std::vector<batch_record> records(1);
  records[0].value = bytes(3, std::byte{'x'});
  auto batch = encode_batch(records);
  ASSERT_TRUE(shard.topics().get("t", 0)->append(batch, log::ack_level::flushed, [](auto) {}));
  settle(shard);
  EXPECT_EQ(acquired_offsets(next), std::vector<int64_t>{1});
}

TEST(share_fetch_wait, a_lock_expiry_wakes_another_members_fetch) {
  test::fake_shard shard;
  produce(shard, "t", 1);
  share_settings settings = earliest();
  settings.partition.lock_duration_ms = 20;
  coordinator c(shard, settings);
  coordinator_registration reg(shard, c);
  auto held = call<protocol::share_fetch_response>(shard, &handle_share_fetch,
                                                   waiting_fetch(shard, "a", 0), 1);
  ASSERT_EQ(held.responses.at(0).partitions.at(0).acquired.size(), 1u);

  auto other = start(shard, &handle_share_fetch, waiting_fetch(shard, "b", 0), 1);
  settle(shard);
  EXPECT_FALSE(other.answer->called);

  // a's lock runs out; the sweep gives the record back, delivered again.
  c.start_sweeping(100ms);
  shard.advance(100);
  settle(shard);
  EXPECT_EQ(acquired_offsets(other), std::vector<int64_t>{0});
  auto r = test::decode_answer<protocol::share_fetch_response>(*other.answer->value, 1);
  EXPECT_EQ(r.responses.at(0).partitions.at(0).acquired.at(0).delivery_count, 2);
}

TEST(share_fetch_wait, the_deadline_still_answers_empty) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("t", 1));
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  auto idle = start(shard, &handle_share_fetch, waiting_fetch(shard, "m", 0), 1);
  settle(shard);
  EXPECT_FALSE(idle.answer->called);
  shard.advance(long_wait_ms - 1);
  settle(shard);
  EXPECT_FALSE(idle.answer->called);
  shard.advance(1);  // MaxWaitMs, on the shard's clock
  settle(shard);
  EXPECT_TRUE(acquired_offsets(idle).empty());
  // An empty record set, not a null one: librdkafka 2.15.1 cannot parse a
  // null one and fails the acknowledgements the answer carries.
  ASSERT_TRUE(idle.answer->value);
  auto r = test::decode_answer<protocol::share_fetch_response>(*idle.answer->value, 1);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_FALSE(r.responses[0].partitions.at(0).records.is_null());
}

}  // namespace
}  // namespace sluice::broker::share
