// Batches another encoder (librdkafka, via kcat) wrote decode to the records
// it was given, for every codec; librdkafka's snappy is raw (unframed), so
// this also covers the raw snappy path that our own xerial writes do not.

#include <gtest/gtest.h>

#include <span>

#include "client/record_batch.h"
#include "tests/client/kcat_vectors.h"

namespace sluice::client {
namespace {

TEST(kcat_batches, decode_to_the_records_kcat_was_given) {
  // The send times kcat itself printed (-f %T) when consuming these batches.
  const std::map<std::string, int64_t> timestamps{{"none", 1795306837748},
                                                  {"gzip", 1795306837815},
                                                  {"snappy", 1795306837879},
                                                  {"lz4", 1795306837938},
                                                  {"zstd", 1795306837997}};
  for (const auto& [codec, raw] : test::kcat_batches()) {
    SCOPED_TRACE(codec);
    auto bytes = std::as_bytes(std::span(raw));
    auto decoded = decode_batches(bytes, "vec", 0, 0);
    ASSERT_TRUE(decoded) << decoded.error().message;
    ASSERT_EQ(decoded->records.size(), 3u);
    EXPECT_EQ(decoded->next_offset, 3);
    const char* keys[] = {"k1", "k2", ""};
    const char* values[] = {"hello", "world world world world", "no-key"};
    for (size_t i = 0; i < 3; ++i) {
      const auto& r = decoded->records[i];
      EXPECT_EQ(r.offset, static_cast<int64_t>(i));
      ASSERT_TRUE(r.key && r.value);
      EXPECT_EQ(as_text(*r.key), keys[i]);
      EXPECT_EQ(as_text(*r.value), values[i]);
      ASSERT_EQ(r.headers.size(), 1u);
      EXPECT_EQ(r.headers[0].key, "trace");
      ASSERT_TRUE(r.headers[0].value);
      EXPECT_EQ(as_text(*r.headers[0].value), "abc");
      EXPECT_EQ(r.timestamp_type, timestamp_type::create_time);
      EXPECT_EQ(r.timestamp_ms, timestamps.at(codec));
    }
  }
}

TEST(kcat_batches, codec_bits_match_the_names) {
  for (const auto& [codec, raw] : test::kcat_batches()) {
    ASSERT_GT(raw.size(), record_batch_header_bytes);
    const int bits = raw[22] & 0x07;  // low byte of the attributes at offset 21
    EXPECT_EQ(compression_name(static_cast<compression_type>(bits)), codec);
  }
}

}  // namespace
}  // namespace sluice::client
