#include "protocol/record_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/big_endian.h"

namespace sluice::protocol {
namespace {

record_bytes text(std::string_view s) {
  const auto b = std::as_bytes(std::span(s));
  return {b.begin(), b.end()};
}

std::vector<batch_record> sample(int n) {
  std::vector<batch_record> out;
  for (int i = 0; i < n; ++i) {
    batch_record r;
    r.timestamp = 1700000000000 + 10 * i;
    if (i % 2 == 0) r.key = text("key-" + std::to_string(i));
    r.value = text(std::string(static_cast<size_t>(i) * 50, 'v'));
    r.headers.push_back({"h", text("x")});
    r.headers.push_back({"null", std::nullopt});
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<batch_record> decode(std::span<const std::byte> batch) {
  std::vector<batch_record> out;
  auto ok = decode_batch(batch, [&](batch_record&& r) { out.push_back(std::move(r)); });
  EXPECT_TRUE(ok) << (ok ? "" : ok.error());
  return out;
}

TEST(record_batch, encode_then_decode_round_trips_every_field) {
  const auto records = sample(5);
  const auto batch = encode_batch(records);
  const auto got = decode(batch);
  ASSERT_EQ(got.size(), records.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ(got[i].timestamp, records[i].timestamp);
    EXPECT_EQ(got[i].key, records[i].key);
    EXPECT_EQ(got[i].value, records[i].value);
    EXPECT_EQ(got[i].headers, records[i].headers);
  }
}

TEST(record_batch, header_fields_are_where_kafka_puts_them) {
  const auto records = sample(3);
  const auto batch = encode_batch(records);
  ASSERT_GE(batch.size(), record_batch_header_bytes);
  EXPECT_EQ(base::load_be<int32_t>(batch.data() + 8), static_cast<int32_t>(batch.size() - 12));
  EXPECT_EQ(static_cast<int8_t>(batch[16]), 2);
  EXPECT_EQ(base::load_be<int32_t>(batch.data() + 23), 2);  // last offset delta
  EXPECT_EQ(base::load_be<int32_t>(batch.data() + 57), 3);  // record count
  const auto h = read_batch_header(batch);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->size, batch.size());
  EXPECT_EQ(h->last_offset, 2);
  EXPECT_EQ(h->record_count, 3);
  EXPECT_EQ(h->base_timestamp, records.front().timestamp);
  EXPECT_EQ(h->max_timestamp, records.back().timestamp);
  EXPECT_EQ(h->producer_id, -1);
  EXPECT_TRUE(crc_matches(batch));
}

TEST(record_batch, record_encoded_size_is_what_encoding_takes) {
  const auto records = sample(4);
  size_t total = record_batch_header_bytes;
  for (size_t i = 0; i < records.size(); ++i)
    total +=
        record_encoded_size(records[i].key, records[i].value, records[i].headers,
                            records[i].timestamp - records[0].timestamp, static_cast<int32_t>(i));
  EXPECT_EQ(encode_batch(records).size(), total);
}

TEST(record_batch, a_flipped_byte_fails_the_crc) {
  auto batch = encode_batch(sample(2));
  batch.back() ^= std::byte{1};
  EXPECT_FALSE(crc_matches(batch));
  auto r = decode_batch(batch, [](batch_record&&) {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("CRC"), std::string::npos);
}

TEST(record_batch, compressed_batches_are_refused_not_misread) {
  batch_header h;
  h.attributes = 4;  // zstd
  h.record_count = 1;
  const std::vector<std::byte> junk(10, std::byte{7});
  const auto batch = seal_batch(h, junk);
  EXPECT_TRUE(crc_matches(batch));
  EXPECT_FALSE(decode_batch(batch, [](batch_record&&) {}));
}

TEST(record_batch, log_append_time_gives_every_record_the_max_timestamp) {
  auto records = sample(3);
  batch_header h;
  h.attributes = batch_log_append_time_bit;
  h.record_count = 3;
  h.base_timestamp = records.front().timestamp;
  h.max_timestamp = 42;
  std::vector<std::byte> body;
  append_records(body, records);
  for (const auto& r : decode(seal_batch(h, body))) EXPECT_EQ(r.timestamp, 42);
}

TEST(record_batch, scan_stops_before_a_partial_tail) {
  auto a = encode_batch(sample(2));
  auto b = encode_batch(sample(3));
  std::vector<std::byte> data = a;
  data.insert(data.end(), b.begin(), b.end() - 5);
  const auto headers = scan_batches(data);
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].size, a.size());
  data.insert(data.end(), b.end() - 5, b.end());
  EXPECT_EQ(scan_batches(data).size(), 2u);
}

TEST(record_batch, a_lying_record_length_is_corrupt) {
  auto batch = encode_batch(sample(1));
  const auto h = read_batch_header(batch);
  ASSERT_TRUE(h);
  // The first record's length varint, made larger than the bytes left.
  std::vector<std::byte> records(batch.begin() + record_batch_header_bytes, batch.end());
  records[0] = std::byte{0x7e};
  auto r = decode_records(records, *h, [](batch_record&&) {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace sluice::protocol
