#include "client/config.h"

#include <gtest/gtest.h>

namespace sluice::client {
namespace {

TEST(parse_bootstrap_servers, reads_hosts_ports_and_defaults) {
  auto r = parse_bootstrap_servers("127.0.0.1:9093, broker-b , [::1]:19092");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], (broker_address{"127.0.0.1", 9093}));
  EXPECT_EQ((*r)[1], (broker_address{"broker-b", 9092}));
  EXPECT_EQ((*r)[2], (broker_address{"::1", 19092}));
}

TEST(parse_bootstrap_servers, refuses_bad_entries_with_invalid_config) {
  for (const char* bad : {"", "  ", "host:", "host:0", "host:70000", "host:12x", "a:1,,b:2",
                          ":9092", "::1:9092", "[::1"}) {
    auto r = parse_bootstrap_servers(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, protocol::error_code::invalid_config);
    EXPECT_EQ(r.error().message.rfind("INVALID_CONFIG: ", 0), 0u) << r.error().message;
  }
}

TEST(make_error, starts_with_kafkas_name) {
  auto e = make_error(protocol::error_code::unknown_topic_or_partition, "topic 'x'");
  EXPECT_EQ(e.message, "UNKNOWN_TOPIC_OR_PARTITION: topic 'x'");
  EXPECT_TRUE(e.retriable());
  EXPECT_EQ(make_error(protocol::error_code::invalid_config).message, "INVALID_CONFIG");
}

TEST(retry_backoff_for, doubles_up_to_the_max_with_bounded_jitter) {
  using std::chrono::milliseconds;
  for (int i = 0; i < 50; ++i) {
    auto first = retry_backoff_for(1, milliseconds(100), milliseconds(1000));
    EXPECT_GE(first.count(), 80);
    EXPECT_LE(first.count(), 120);
    auto third = retry_backoff_for(3, milliseconds(100), milliseconds(1000));
    EXPECT_GE(third.count(), 320);
    EXPECT_LE(third.count(), 480);
    auto late = retry_backoff_for(40, milliseconds(100), milliseconds(1000));
    EXPECT_GE(late.count(), 800);
    EXPECT_LE(late.count(), 1200);
  }
  EXPECT_EQ(retry_backoff_for(5, milliseconds(0), milliseconds(1000)).count(), 0);
}

}  // namespace
}  // namespace sluice::client
