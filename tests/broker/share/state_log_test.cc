#include "broker/share/state_log.h"

#include <gtest/gtest.h>

#include "broker/internal_batch.h"

namespace sluice::broker::share {
namespace {

bytes text(std::string_view s) {
  return bytes(reinterpret_cast<const std::byte*>(s.data()),
               reinterpret_cast<const std::byte*>(s.data()) + s.size());
}

TEST(record_batch, records_with_headers_round_trip_and_damage_is_detected) {
  batch_record a;
  a.timestamp = 1000;
  a.key = text("k");
  a.value = text("v");
  a.headers.emplace_back("h", text("x"));
  a.headers.emplace_back("n", std::nullopt);
  batch_record b;
  b.timestamp = 1005;
  auto batch = encode_batch({a, b});
  auto headers = scan_batches(batch);
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].base_offset, 0);
  EXPECT_EQ(headers[0].last_offset, 1);
  EXPECT_EQ(headers[0].size, batch.size());
  std::vector<batch_record> out;
  ASSERT_TRUE(decode_batch(batch, [&](batch_record&& r) { out.push_back(std::move(r)); }));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].offset, 0);
  EXPECT_EQ(out[0].timestamp, 1000);
  EXPECT_EQ(out[0].key, text("k"));
  EXPECT_EQ(out[0].headers, a.headers);
  EXPECT_EQ(out[1].offset, 1);
  EXPECT_EQ(out[1].timestamp, 1005);
  EXPECT_FALSE(out[1].key.has_value());
  EXPECT_FALSE(out[1].value.has_value());
  batch[batch.size() - 2] ^= std::byte{1};
  EXPECT_FALSE(decode_batch(batch, [](batch_record&&) {}));
}

TEST(record_batch, a_truncated_tail_is_not_scanned) {
  auto one = encode_batch({batch_record{}});
  auto two = one;
  two.insert(two.end(), one.begin(), one.end() - 5);
  EXPECT_EQ(scan_batches(two).size(), 1u);
  EXPECT_TRUE(scan_batches(std::span<const std::byte>(one).first(30)).empty());
}

TEST(state_log, snapshots_round_trip) {
  state_record r;
  r.group = "g";
  r.topic = "t";
  r.partition = 3;
  r.snapshot = {
      10,
      20,
      {{10, 12, record_state::acknowledged, 1, 0}, {13, 19, record_state::available, 2, 12345}}};
  auto rec = encode_state_record(r, 99);
  auto back = decode_state_record(rec);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
}

TEST(state_log, unreadable_records_are_refused) {
  state_record r{"g", "t", 0, {0, 1, {{0, 0, record_state::archived, 1, 0}}}};
  auto rec = encode_state_record(r, 0);
  auto bad_state = rec;
  (*bad_state.value)[2 + 8 + 8 + 4 + 16] = std::byte{7};  // the run's state byte
  EXPECT_FALSE(decode_state_record(bad_state));
  auto short_value = rec;
  short_value.value->resize(10);
  EXPECT_FALSE(decode_state_record(short_value));
  auto lying_count = rec;
  (*lying_count.value)[2 + 8 + 8] = std::byte{0x7f};
  EXPECT_FALSE(decode_state_record(lying_count));
  auto no_key = rec;
  no_key.key.reset();
  EXPECT_FALSE(decode_state_record(no_key));
}

TEST(state_log, a_null_value_is_a_tombstone_for_its_key) {
  state_record r{"g", "t", 2, {}, true};
  auto rec = encode_state_record(r, 0);
  EXPECT_FALSE(rec.value.has_value());
  auto back = decode_state_record(rec);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->tombstone);
  EXPECT_EQ(back->group, "g");
  EXPECT_EQ(back->topic, "t");
  EXPECT_EQ(back->partition, 2);
}

}  // namespace
}  // namespace sluice::broker::share
