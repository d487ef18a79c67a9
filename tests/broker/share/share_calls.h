#pragma once
// What the share handler tests share: a topic with records on a fake shard,
// a handler call run to its answer, and a ShareFetch of topic "t" partition 0
// by member "m" of group "g".

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "broker/internal_batch.h"
#include "broker/share/coordinator.h"
#include "protocol/messages/share_fetch.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::share {

inline share_settings earliest() {
  share_settings s;
  s.auto_offset_reset.kind = share_offset_reset::strategy::earliest;
  return s;
}

inline void produce(test::fake_shard& shard, const std::string& topic, int n) {
  ASSERT_FALSE(shard.topics().create_topic(topic, 1));
  std::vector<batch_record> records(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string v = "v" + std::to_string(i);
    records[static_cast<size_t>(i)].value =
        bytes(reinterpret_cast<const std::byte*>(v.data()),
              reinterpret_cast<const std::byte*>(v.data()) + v.size());
  }
  auto batch = encode_batch(records);
  auto r = shard.topics().get(topic, 0)->append(batch, log::ack_level::flushed, [](auto) {});
  ASSERT_TRUE(r);
  shard.run_io();
}

// `connection_id`: the connection the request arrives on.
template <class Resp, class Req>
Resp call(test::fake_shard& shard, handler_fn h, const Req& body, int16_t version,
          uint64_t connection_id = 0) {
  auto a = std::make_shared<test::answer>();
  request req = test::make_request(body, version);
  req.connection_id = connection_id;
  h(shard, std::move(req), test::capture(a));
  for (int i = 0; i < 5 && !a->called; ++i) {
    shard.run_io();
    shard.fire_timers();
  }
  EXPECT_TRUE(a->called);
  if (!a->called || !a->value) return Resp{};
  return test::decode_answer<Resp>(*a->value, version);
}

// The id the topic table gave `topic` (zero when it does not exist).
inline protocol::uuid topic_id_of(test::fake_shard& shard, const std::string& topic) {
  return shard.topics().topic_id_or_zero(topic);
}

inline protocol::share_fetch_request fetch(test::fake_shard& shard, int32_t epoch,
                                           int32_t max_records,
                                           std::vector<protocol::acknowledgement_batch> acks = {}) {
  protocol::share_fetch_request f;
  f.group_id = "g";
  f.member_id = "m";
  f.share_session_epoch = epoch;
  f.max_records = max_records;
  auto& t = f.topics.emplace_back();
  t.topic_id = topic_id_of(shard, "t");
  t.partitions.push_back({0, std::move(acks)});
  return f;
}

}  // namespace sluice::broker::share
