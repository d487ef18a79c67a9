// share_consumer against a scripted share-group coordinator holding offsets
// 0-9 of topic "t" (one partition): what goes on the wire when joining, the
// share-session epochs, implicit and explicit acknowledgements, rejoining
// after FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID, commit errors, lock renewal
// (RENEW, KIP-1222), and the heartbeats sent between polls, which must stop
// on close() and with the consumer.

#include "client/share_consumer.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>

#include "client/record_batch.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_fetch.h"
#include "protocol/messages/share_group_describe.h"
#include "protocol/messages/share_group_heartbeat.h"
#include "tests/client/scripted_peer.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::acknowledgement_batch;
using protocol::api_key;
using protocol::error_code;
using namespace std::chrono_literals;
using frames = std::vector<std::vector<std::byte>>;

constexpr int32_t group_epoch = 5;
const protocol::uuid topic_id{{std::byte{0x51}, std::byte{0x0c}, std::byte{7}}};

std::vector<std::byte> stored_batch() {
  std::vector<batch_record> records;
  for (int64_t i = 0; i < 10; ++i)
    records.push_back({.timestamp = 1000 + i,
                       .key = std::nullopt,
                       .value = to_bytes("v" + std::to_string(i)),
                       .headers = {}});
  return encode_batch(records, batch_options{}).value();
}

// The coordinator: records what the consumer sends, answers as scripted.
struct fake_share_broker {
  explicit fake_share_broker(asio::io_context& io, int16_t acknowledge_max_version = 2)
      : ack_max(acknowledge_max_version),
        batch(stored_batch()),
        peer(io, [this](const request_seen& r) { return answer(r); }) {}

  frames answer(const request_seen& r) {
    switch (r.key) {
      case api_key::api_versions: {
        auto v = versions();
        v.api_keys.push_back({static_cast<int16_t>(api_key::share_group_heartbeat), 1, 1});
        v.api_keys.push_back({static_cast<int16_t>(api_key::share_group_describe), 1, 1});
        v.api_keys.push_back({static_cast<int16_t>(api_key::share_fetch), 1, ack_max});
        v.api_keys.push_back({static_cast<int16_t>(api_key::share_acknowledge), 1, ack_max});
        return {response_bytes(v, r.version, r.correlation_id)};
      }
      case api_key::share_group_heartbeat: {
        auto resp = heartbeat(r);
        if (heartbeats.size() == unanswered_heartbeat) return {};
        return {response_bytes(resp, r.version, r.correlation_id)};
      }
      case api_key::share_group_describe:
        return {response_bytes(describe(), r.version, r.correlation_id)};
      case api_key::share_fetch:
        return {response_bytes(fetch(r), r.version, r.correlation_id)};
      case api_key::share_acknowledge:
        return {response_bytes(acknowledge(r), r.version, r.correlation_id)};
      default:
        ADD_FAILURE() << "unexpected api key " << static_cast<int>(r.key);
        return {};
    }
  }

  protocol::share_group_heartbeat_response heartbeat(const request_seen& r) {
    protocol::share_group_heartbeat_request req;
    EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
    heartbeats.push_back(req);
    protocol::share_group_heartbeat_response resp;
    if (rising_epochs) epoch = group_epoch + static_cast<int32_t>(heartbeats.size()) - 1;
    if (!heartbeat_errors.empty()) {
      resp.error_code = heartbeat_errors.front();
      heartbeat_errors.pop_front();
      if (resp.error_code != error_code::none) return resp;
    }
    resp.member_id = req.member_id;
    resp.member_epoch = req.member_epoch == -1 ? -1 : epoch;
    resp.heartbeat_interval_ms = heartbeat_interval_ms;
    if (req.member_epoch != -1)
      resp.assignment.emplace().topic_partitions.push_back({topic_id, {0}});
    return resp;
  }

  protocol::share_group_describe_response describe() const {
    protocol::share_group_describe_response resp;
    auto& g = resp.groups.emplace_back();
    g.group_id = "g";
    auto& m = g.members.emplace_back();
    m.member_id = heartbeats.empty() ? "" : heartbeats.back().member_id;
    m.assignment.push_back({topic_id, "t", {0}});
    return resp;
  }

  protocol::share_fetch_response fetch(const request_seen& r) {
    protocol::share_fetch_request req;
    EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
    fetches.push_back(req);
    protocol::share_fetch_response resp;
    auto& p = resp.responses.emplace_back(topic_id).partitions.emplace_back();
    p.partition_index = 0;
    p.acknowledge_error_code = fetch_ack_error;
    if (!deliveries.empty()) {
      auto [first, last] = deliveries.front();
      deliveries.pop_front();
      if (first <= last) {
        p.records = protocol::record_set::of(batch);  // the whole batch: 0-9
        p.acquired.push_back({first, last, delivery_count});
      }
    }
    return resp;
  }

  protocol::share_acknowledge_response acknowledge(const request_seen& r) {
    protocol::share_acknowledge_request req;
    EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
    acks.push_back(req);
    ack_versions.push_back(r.version);
    protocol::share_acknowledge_response resp;
    for (const auto& t : req.topics) {
      auto& rt = resp.responses.emplace_back(t.topic_id);
      for (const auto& p : t.partitions)
        rt.partitions.push_back({p.partition_index, ack_error, {}, {}});
    }
    return resp;
  }

  // Every acknowledgement batch a ShareFetch or ShareAcknowledge carried.
  template <class Request>
  static std::vector<acknowledgement_batch> batches(const Request& req) {
    std::vector<acknowledgement_batch> out;
    for (const auto& t : req.topics)
      for (const auto& p : t.partitions)
        out.insert(out.end(), p.acknowledgement_batches.begin(), p.acknowledgement_batches.end());
    return out;
  }

  client_config config() const {
    client_config c;
    c.bootstrap_servers = "127.0.0.1:" + std::to_string(peer.port());
    return c;
  }

  int16_t ack_max;
  std::vector<std::byte> batch;
  scripted_peer peer;
  // Scripted: each heartbeat takes the next error (none once empty); each
  // fetch acquires the next range (nothing once empty, or for {1, 0}).
  std::deque<error_code> heartbeat_errors;
  std::deque<std::pair<int64_t, int64_t>> deliveries;
  int16_t delivery_count = 1;
  int32_t heartbeat_interval_ms = 60000;
  // Each answer's member epoch: group_epoch, or with rising_epochs one more
  // for each heartbeat (5 for the first, 6 for the second, ...).
  bool rising_epochs = false;
  int32_t epoch = group_epoch;
  size_t unanswered_heartbeat = 0;  // the n-th heartbeat (1-based) gets no answer
  error_code fetch_ack_error = error_code::none;
  error_code ack_error = error_code::none;
  // Seen.
  std::vector<protocol::share_group_heartbeat_request> heartbeats;
  std::vector<protocol::share_fetch_request> fetches;
  std::vector<protocol::share_acknowledge_request> acks;
  std::vector<int16_t> ack_versions;
};

share_config config(bool explicit_mode = false) {
  share_config c;
  c.group_id = "g";
  c.topics = {"t"};
  c.explicit_acknowledgement = explicit_mode;
  return c;
}

std::vector<int64_t> offsets(const std::vector<share_record>& records) {
  std::vector<int64_t> out;
  for (const auto& r : records) out.push_back(r.offset);
  return out;
}

acknowledgement_batch one(int64_t first, int64_t last, protocol::acknowledge_type t) {
  return {first, last, {static_cast<int8_t>(t)}};
}

constexpr auto accept = protocol::acknowledge_type::accept;
constexpr auto release = protocol::acknowledge_type::release;
constexpr auto reject = protocol::acknowledge_type::reject;
constexpr auto renew = protocol::acknowledge_type::renew;

// poll() that must succeed; the records it returned.
asio::awaitable<std::vector<share_record>> must_poll(share_consumer& k) {
  auto r = co_await k.poll(100ms);
  EXPECT_TRUE(r) << r.error().message;
  co_return r ? std::move(*r) : std::vector<share_record>{};
}

// The consumer sent exactly one ShareAcknowledge: at `version` and session
// epoch `epoch`, carrying `expected`.
void expect_one_acknowledge(const fake_share_broker& b, int16_t version, int32_t epoch,
                            const std::vector<acknowledgement_batch>& expected) {
  ASSERT_EQ(b.acks.size(), 1u);
  EXPECT_EQ(b.ack_versions[0], version);
  EXPECT_EQ(b.acks[0].share_session_epoch, epoch);
  EXPECT_EQ(fake_share_broker::batches(b.acks[0]), expected);
}

// poll() that must hand out exactly one record; that record.
asio::awaitable<std::optional<share_record>> poll_one(share_consumer& k) {
  auto got = co_await must_poll(k);
  EXPECT_EQ(got.size(), 1u);
  if (got.size() != 1) co_return std::nullopt;
  co_return std::move(got[0]);
}

TEST(share_consumer, joins_with_epoch_zero_then_fetches_with_rising_session_epochs) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{3, 4}};
  std::vector<share_record> got;
  std::string member;
  int32_t epoch = 0;
  std::vector<topic_partition> assigned;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    got = co_await must_poll(k);
    co_await must_poll(k);
    co_await must_poll(k);
    member = k.member_id();
    epoch = k.member_epoch();
    assigned = k.assignment();
    c.close();
  });
  ASSERT_EQ(broker.heartbeats.size(), 1u);  // the interval (60 s) is not yet due again
  EXPECT_EQ(broker.heartbeats[0].member_epoch, 0);
  EXPECT_EQ(broker.heartbeats[0].member_id, member);
  EXPECT_FALSE(member.empty());
  EXPECT_EQ(broker.heartbeats[0].subscribed_topic_names, std::vector<std::string>{"t"});
  EXPECT_EQ(epoch, group_epoch);
  EXPECT_EQ(assigned, (std::vector<topic_partition>{{"t", 0}}));
  ASSERT_EQ(broker.fetches.size(), 3u);
  for (int32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(broker.fetches[i].share_session_epoch, i);
    EXPECT_EQ(broker.fetches[i].member_id, member);
    ASSERT_EQ(broker.fetches[i].topics.size(), 1u);
    EXPECT_EQ(broker.fetches[i].topics[0].topic_id, topic_id);
  }
  // Only the acquired offsets, though the answer held the whole batch 0-9.
  EXPECT_EQ(offsets(got), (std::vector<int64_t>{3, 4}));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].topic, "t");
  EXPECT_EQ(as_text(*got[0].value), "v3");
  EXPECT_EQ(got[0].delivery_count, 1);
}

TEST(share_consumer, implicit_mode_accepts_the_previous_polls_records_on_the_next_poll) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 2}, {3, 4}};
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    auto first = co_await must_poll(k);
    EXPECT_EQ(offsets(first), (std::vector<int64_t>{0, 1, 2}));
    auto second = co_await must_poll(k);
    EXPECT_EQ(offsets(second), (std::vector<int64_t>{3, 4}));
    if (second.size() == 2) k.acknowledge(second[1], ack_type::release);  // overrides accept
    co_await must_poll(k);
    co_await must_poll(k);
    c.close();
  });
  ASSERT_EQ(broker.fetches.size(), 4u);
  EXPECT_TRUE(fake_share_broker::batches(broker.fetches[0]).empty());  // opening: none allowed
  EXPECT_EQ(fake_share_broker::batches(broker.fetches[1]),
            (std::vector<acknowledgement_batch>{one(0, 2, accept)}));
  EXPECT_EQ(fake_share_broker::batches(broker.fetches[2]),
            (std::vector<acknowledgement_batch>{one(3, 3, accept), one(4, 4, release)}));
  EXPECT_TRUE(fake_share_broker::batches(broker.fetches[3]).empty());  // each sent once
  EXPECT_TRUE(broker.acks.empty());
}

TEST(share_consumer, explicit_mode_sends_only_what_acknowledge_recorded) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 2}};
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config(true));
    auto got = co_await must_poll(k);
    EXPECT_EQ(got.size(), 3u);
    if (got.size() != 3) co_return;
    k.acknowledge(got[0], ack_type::accept);
    k.acknowledge(got[2], ack_type::release);
    k.acknowledge(got[2], ack_type::reject);  // a later call replaces the type
    co_await must_poll(k);
    co_await must_poll(k);  // 1 is still unacknowledged: nothing to send
    k.acknowledge(got[1], ack_type::release);
    co_await must_poll(k);
    c.close();
  });
  ASSERT_EQ(broker.fetches.size(), 4u);
  EXPECT_EQ(fake_share_broker::batches(broker.fetches[1]),
            (std::vector<acknowledgement_batch>{one(0, 0, accept), one(2, 2, reject)}));
  EXPECT_TRUE(fake_share_broker::batches(broker.fetches[2]).empty());
  EXPECT_EQ(fake_share_broker::batches(broker.fetches[3]),
            (std::vector<acknowledgement_batch>{one(1, 1, release)}));
}

// Waits on `io` until `done()`, for at most `bound`: the heartbeat tests
// let the consumer's own loop run without calling poll().
asio::awaitable<void> until(asio::io_context& io, std::function<bool()> done,
                            std::chrono::milliseconds bound = 5s) {
  auto give_up = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    asio::steady_timer t(io, 5ms);
    co_await t.async_wait(use_tuple);
  }
}

// Joins with one poll(), then lets the loop alone heartbeat until the
// coordinator has seen `n` heartbeats.
asio::awaitable<void> join_then_idle(asio::io_context& io, share_consumer& k,
                                     const fake_share_broker& b, size_t n) {
  co_await must_poll(k);
  co_await until(io, [&b, n] { return b.heartbeats.size() >= n; });
}

asio::awaitable<void> sleep(asio::io_context& io, std::chrono::milliseconds d) {
  asio::steady_timer t(io, d);
  co_await t.async_wait(use_tuple);
}

// Heartbeat i (from 1) carried the epoch the coordinator answered to i - 1.
void expect_current_epochs(const fake_share_broker& b) {
  for (size_t i = 1; i < b.heartbeats.size(); ++i)
    if (b.heartbeats[i].member_epoch != -1) {
      EXPECT_EQ(b.heartbeats[i].member_epoch, group_epoch + static_cast<int32_t>(i) - 1) << i;
    }
}

TEST(share_consumer, rejoins_after_fenced_member_epoch_and_unknown_member_id) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.heartbeat_interval_ms = 20;
  broker.heartbeat_errors = {error_code::none, error_code::fenced_member_epoch, error_code::none,
                             error_code::unknown_member_id, error_code::none};
  int32_t epoch = 0;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    // Joins; the loop does the rest without polls. The sixth heartbeat is
    // sent once the fifth is answered.
    co_await join_then_idle(io, k, broker, 6);
    epoch = k.member_epoch();
    co_await k.close();
    c.close();
  });
  ASSERT_GE(broker.heartbeats.size(), 7u);  // the 5 scripted, one more, the leave
  std::vector<int32_t> sent;
  for (size_t i = 0; i < 5; ++i) sent.push_back(broker.heartbeats[i].member_epoch);
  // join, fenced, rejoin with epoch 0 at once, unknown member, rejoin again
  EXPECT_EQ(sent, (std::vector<int32_t>{0, group_epoch, 0, group_epoch, 0}));
  for (size_t i : {0u, 2u, 4u}) {
    EXPECT_EQ(broker.heartbeats[i].subscribed_topic_names, std::vector<std::string>{"t"}) << i;
    EXPECT_EQ(broker.heartbeats[i].member_id, broker.heartbeats[0].member_id) << i;
  }
  EXPECT_FALSE(broker.heartbeats[1].subscribed_topic_names);  // unchanged: null
  EXPECT_EQ(epoch, group_epoch);
  EXPECT_EQ(broker.heartbeats.back().member_epoch, -1);
}

TEST(share_consumer, heartbeats_between_polls_with_the_current_epoch) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.heartbeat_interval_ms = 50;
  broker.rising_epochs = true;
  int32_t epoch = 0;
  size_t seen = 0;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    // A worker busy with one record: no poll() for several intervals.
    co_await join_then_idle(io, k, broker, 5);
    epoch = k.member_epoch();
    seen = broker.heartbeats.size();
    c.close();
  });
  ASSERT_GE(broker.heartbeats.size(), 5u);
  EXPECT_EQ(broker.heartbeats[0].member_epoch, 0);
  expect_current_epochs(broker);
  for (size_t i = 1; i < broker.heartbeats.size(); ++i)
    EXPECT_FALSE(broker.heartbeats[i].subscribed_topic_names) << i;  // still a member
  // The answer to the last heartbeat seen, or to the one before while the
  // last one's is on its way.
  const auto last_answer = group_epoch + static_cast<int32_t>(seen) - 1;
  EXPECT_TRUE(epoch == last_answer || epoch == last_answer - 1) << epoch;
  EXPECT_EQ(broker.fetches.size(), 1u);  // the heartbeats came from the loop
}

TEST(share_consumer, polls_and_background_heartbeats_do_not_double_up) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.heartbeat_interval_ms = 5;
  broker.rising_epochs = true;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    // Polls often, so that some find a heartbeat due while the loop's is in
    // flight, and wait their turn.
    for (int i = 0; i < 200; ++i) {
      co_await must_poll(k);
      co_await sleep(io, 1ms);
    }
    c.close();
  });
  ASSERT_GE(broker.heartbeats.size(), 2u);
  // Two heartbeats sent at once would carry the same epoch; each carries
  // the one its predecessor was answered.
  expect_current_epochs(broker);
}

TEST(share_consumer, close_stops_the_background_heartbeats) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.heartbeat_interval_ms = 20;
  size_t at_close = 0;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    co_await join_then_idle(io, k, broker, 3);
    auto closed = co_await k.close();
    EXPECT_TRUE(closed) << closed.error().message;
    at_close = broker.heartbeats.size();
    co_await sleep(io, 200ms);  // ten intervals
    auto after = co_await k.poll(10ms);
    EXPECT_FALSE(after);  // closed: no rejoining
    c.close();
  });
  ASSERT_GE(at_close, 4u);
  EXPECT_EQ(broker.heartbeats.size(), at_close);
  EXPECT_EQ(broker.heartbeats.back().member_epoch, -1);  // the leave was the last
}

TEST(share_consumer, destroying_the_consumer_with_its_heartbeat_timer_pending_is_clean) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.heartbeat_interval_ms = 20;
  size_t at_destruction = 0;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    {
      share_consumer k(c, config());
      co_await join_then_idle(io, k, broker, 2);
      at_destruction = broker.heartbeats.size();
    }  // the loop's timer is pending: it wakes, sees the consumer gone, ends
    co_await sleep(io, 200ms);
    c.close();
  });
  ASSERT_GE(at_destruction, 2u);
  EXPECT_EQ(broker.heartbeats.size(), at_destruction);  // no leave, nothing more
}

TEST(share_consumer, destroying_the_consumer_with_a_heartbeat_in_flight_is_clean) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.heartbeat_interval_ms = 20;
  broker.unanswered_heartbeat = 2;  // the loop's first
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    {
      share_consumer k(c, config());
      co_await join_then_idle(io, k, broker, 2);
    }
    co_await sleep(io, 50ms);
    c.close();  // fails the heartbeat in flight: the loop resumes and ends
    co_await sleep(io, 100ms);
  });
  EXPECT_EQ(broker.heartbeats.size(), 2u);
}

TEST(share_consumer, commit_sends_at_once_and_reports_invalid_record_state) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 1}};
  broker.ack_error = error_code::invalid_record_state;  // the locks had expired
  std::optional<client_error> error;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    co_await must_poll(k);
    auto committed = co_await k.commit();
    if (!committed) error = committed.error();
    c.close();
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, error_code::invalid_record_state);
  EXPECT_NE(error->message.find("t-0"), std::string::npos) << error->message;
  expect_one_acknowledge(broker, 2, 1, {one(0, 1, accept)});
  EXPECT_FALSE(broker.acks.at(0).is_renew_ack);
}

TEST(share_consumer, piggybacked_acknowledge_errors_are_reported_after_the_poll) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 0}};
  std::vector<client_error> errors;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    co_await must_poll(k);
    broker.fetch_ack_error = error_code::invalid_record_state;
    co_await must_poll(k);  // still succeeds
    errors = k.acknowledge_errors();
    c.close();
  });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, error_code::invalid_record_state);
}

TEST(share_consumer, renew_sends_type_four_at_once_and_does_not_accept_the_record) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 0}};
  size_t acks_after_renew = 0;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());  // implicit mode
    auto got = co_await poll_one(k);
    if (!got) co_return;
    auto renewed = co_await k.renew(*got);
    EXPECT_TRUE(renewed) << renewed.error().message;
    acks_after_renew = broker.acks.size();
    co_await must_poll(k);  // the implicit accept, once
    co_await must_poll(k);
    c.close();
  });
  EXPECT_EQ(acks_after_renew, 1u);  // sent by renew() itself, not by a later poll
  expect_one_acknowledge(broker, 2, 1, {one(0, 0, renew)});
  EXPECT_TRUE(broker.acks.at(0).is_renew_ack);
  ASSERT_EQ(broker.fetches.size(), 3u);
  EXPECT_EQ(broker.fetches[1].share_session_epoch, 2);  // the ShareAcknowledge took 1
  EXPECT_EQ(fake_share_broker::batches(broker.fetches[1]),
            (std::vector<acknowledgement_batch>{one(0, 0, accept)}));
  EXPECT_TRUE(fake_share_broker::batches(broker.fetches[2]).empty());
}

TEST(share_consumer, renew_of_an_expired_lock_is_invalid_record_state) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 0}};
  broker.ack_error = error_code::invalid_record_state;
  std::optional<client_error> error;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config(true));
    auto got = co_await poll_one(k);
    if (!got) co_return;
    auto renewed = co_await k.renew(*got);
    if (!renewed) error = renewed.error();
    c.close();
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, error_code::invalid_record_state);
  EXPECT_NE(error->message.find("renew offset 0"), std::string::npos) << error->message;
}

TEST(share_consumer, renew_is_refused_without_sending_when_the_broker_lacks_v2) {
  asio::io_context io;
  fake_share_broker broker(io, 1);
  broker.deliveries = {{0, 0}};
  std::optional<client_error> error;
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config(true));
    auto got = co_await poll_one(k);
    if (!got) co_return;
    auto renewed = co_await k.renew(*got);
    if (!renewed) error = renewed.error();
    k.acknowledge(*got, ack_type::accept);
    EXPECT_TRUE(co_await k.commit());  // v1 still acknowledges
    c.close();
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, error_code::unsupported_version);
  EXPECT_NE(error->message.find("v2"), std::string::npos) << error->message;
  expect_one_acknowledge(broker, 1, 1, {one(0, 0, accept)});  // the commit only
}

TEST(share_consumer, close_accepts_what_is_left_closes_the_session_and_leaves) {
  asio::io_context io;
  fake_share_broker broker(io);
  broker.deliveries = {{0, 1}};
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    share_consumer k(c, config());
    co_await must_poll(k);
    auto closed = co_await k.close();
    EXPECT_TRUE(closed) << closed.error().message;
    c.close();
  });
  expect_one_acknowledge(broker, 2, -1, {one(0, 1, accept)});
  ASSERT_EQ(broker.heartbeats.size(), 2u);
  EXPECT_EQ(broker.heartbeats[1].member_epoch, -1);
}

}  // namespace
}  // namespace sluice::client
