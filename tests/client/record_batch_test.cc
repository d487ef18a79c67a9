#include "client/record_batch.h"

#include <gtest/gtest.h>

#include "tests/client/txn_log.h"

namespace sluice::client {
namespace {

std::vector<batch_record> sample_records(int n) {
  std::vector<batch_record> out;
  for (int i = 0; i < n; ++i) {
    batch_record r;
    r.timestamp = 1700000000000 + i;
    if (i % 3 != 0) r.key = to_bytes("key-" + std::to_string(i));
    if (i % 5 != 4)
      r.value = to_bytes(std::string(static_cast<size_t>(i % 40), 'v') + std::to_string(i));
    if (i % 4 == 0) r.headers.push_back({"h" + std::to_string(i), to_bytes("hv")});
    if (i % 7 == 0) r.headers.push_back({"null-header", std::nullopt});
    out.push_back(std::move(r));
  }
  return out;
}

class batch_round_trip : public ::testing::TestWithParam<compression_type> {};

TEST_P(batch_round_trip, records_come_back_identical) {
  auto records = sample_records(500);
  batch_options opts;
  opts.compression = GetParam();
  opts.base_offset = 1000;
  auto batch = encode_batch(records, opts);
  ASSERT_TRUE(batch) << batch.error().message;
  auto decoded = decode_batches(*batch, "t", 3, 0);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->records.size(), records.size());
  EXPECT_EQ(decoded->next_offset, 1500);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& got = decoded->records[i];
    EXPECT_EQ(got.topic, "t");
    EXPECT_EQ(got.partition, 3);
    EXPECT_EQ(got.offset, 1000 + static_cast<int64_t>(i));
    EXPECT_EQ(got.timestamp_ms, records[i].timestamp);
    EXPECT_EQ(got.timestamp_type, timestamp_type::create_time);
    EXPECT_EQ(got.key, records[i].key);
    EXPECT_EQ(got.value, records[i].value);
    EXPECT_EQ(got.headers, records[i].headers);
  }
}

INSTANTIATE_TEST_SUITE_P(all_codecs, batch_round_trip,
                         ::testing::Values(compression_type::none, compression_type::gzip,
                                           compression_type::snappy, compression_type::lz4,
                                           compression_type::zstd),
                         [](const auto& info) {
                           return std::string(compression_name(info.param));
                         });

TEST(record_batch, records_below_the_fetch_offset_are_skipped) {
  auto batch = encode_batch(sample_records(10), {.base_offset = 20});
  ASSERT_TRUE(batch);
  auto decoded = decode_batches(*batch, "t", 0, 25);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->records.size(), 5u);
  EXPECT_EQ(decoded->records.front().offset, 25);
  EXPECT_EQ(decoded->next_offset, 30);
}

TEST(record_batch, a_partial_batch_at_the_end_is_left_for_the_next_fetch) {
  auto first = encode_batch(sample_records(3), {.base_offset = 0});
  auto second = encode_batch(sample_records(3), {.base_offset = 3});
  ASSERT_TRUE(first && second);
  std::vector<std::byte> data = *first;
  data.insert(data.end(), second->begin(), second->end() - 10);
  auto decoded = decode_batches(data, "t", 0, 0);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->records.size(), 3u);
  EXPECT_EQ(decoded->next_offset, 3);
}

TEST(record_batch, a_flipped_byte_fails_the_crc_check) {
  auto batch = encode_batch(sample_records(3), {});
  ASSERT_TRUE(batch);
  (*batch)[batch->size() - 2] ^= std::byte{0x40};
  auto decoded = decode_batches(*batch, "logs", 1, 0);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, protocol::error_code::corrupt_message);
  EXPECT_NE(decoded.error().message.find("CORRUPT_MESSAGE"), std::string::npos);
  EXPECT_NE(decoded.error().message.find("CRC"), std::string::npos);
}

TEST(record_batch, an_empty_batch_is_refused) {
  auto batch = encode_batch({}, {});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, protocol::error_code::invalid_request);
}

TEST(record_batch, size_estimate_matches_the_encoding) {
  auto records = sample_records(20);
  size_t total = record_batch_header_bytes;
  for (size_t i = 0; i < records.size(); ++i)
    total += record_encoded_size(records[i], records[i].timestamp - records[0].timestamp,
                                 static_cast<int32_t>(i));
  auto batch = encode_batch(records, {});
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->size(), total);
}

std::vector<int64_t> offsets_of(const decoded_batches& d) {
  std::vector<int64_t> out;
  for (auto& r : d.records) out.push_back(r.offset);
  return out;
}

TEST(record_batch, read_uncommitted_hands_out_every_data_record_but_no_marker) {
  auto log = test::txn_log();
  auto decoded = decode_batches(log, "t", 0, 0);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(offsets_of(*decoded), (std::vector<int64_t>{0, 1, 2, 5, 7}));
  EXPECT_EQ(decoded->next_offset, test::txn_log_end);
}

TEST(record_batch, read_committed_drops_aborted_transactions_until_their_marker) {
  auto log = test::txn_log();
  std::vector<aborted_transaction> aborted{{7, 0}};
  auto decoded = decode_batches(log, "t", 0, 0, true, &aborted);
  ASSERT_TRUE(decoded) << decoded.error().message;
  // 0-1 aborted; 2 committed (another producer); 5 is producer 7's next
  // transaction, after its abort marker at 3.
  EXPECT_EQ(offsets_of(*decoded), (std::vector<int64_t>{2, 5, 7}));
  EXPECT_EQ(decoded->next_offset, test::txn_log_end);
  // Without the broker's list nothing is dropped (a committed read needs it).
  std::vector<aborted_transaction> none;
  auto all = decode_batches(log, "t", 0, 0, true, &none);
  ASSERT_TRUE(all);
  EXPECT_EQ(offsets_of(*all), (std::vector<int64_t>{0, 1, 2, 5, 7}));
}

TEST(record_batch, transactional_and_control_attributes_are_written) {
  auto data = test::data_batch(0, 7, 1, true);
  auto marker = test::marker_batch(1, 7, true);
  auto attributes = [](const std::vector<std::byte>& b) {
    return (static_cast<int>(b[21]) << 8) | static_cast<int>(b[22]);
  };
  EXPECT_EQ(attributes(data), 0x10);
  EXPECT_EQ(attributes(marker), 0x30);
}

// The broker's internal logs and the client share one codec: what the broker
// writes (protocol::encode_batch) the consumer reads, field for field.
TEST(record_batch, reads_what_the_broker_internal_logs_write) {
  std::vector<batch_record> records = sample_records(4);
  auto internal = protocol::encode_batch(records);
  auto decoded = decode_batches(internal, "__consumer_offsets", 0, 0);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->records.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(decoded->records[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ(decoded->records[i].timestamp_ms, records[i].timestamp);
    EXPECT_EQ(decoded->records[i].key, records[i].key);
    EXPECT_EQ(decoded->records[i].value, records[i].value);
    EXPECT_EQ(decoded->records[i].headers, records[i].headers);
  }
  // And the other way: a client batch decodes through the broker's path.
  auto produced = encode_batch(records, {});
  ASSERT_TRUE(produced);
  size_t n = 0;
  EXPECT_TRUE(protocol::decode_batch(*produced, [&](batch_record&&) { ++n; }));
  EXPECT_EQ(n, records.size());
}

}  // namespace
}  // namespace sluice::client
