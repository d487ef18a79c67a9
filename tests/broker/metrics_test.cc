#include "broker/metrics.h"

#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/produce.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(broker_metrics, every_served_api_has_a_zero_series_from_the_start) {
  broker_metrics m;
  const std::string text = m.render(nullptr);
  for (std::string_view api : {"Produce", "Fetch", "ListOffsets", "Metadata", "ApiVersions"}) {
    EXPECT_TRUE(has_line(text, "sluice_requests_total{api=\"" + std::string(api) + "\"} 0"))
        << api << "\n"
        << text;
  }
  EXPECT_TRUE(has_line(text, "# TYPE sluice_request_duration_seconds histogram"));
  EXPECT_TRUE(has_line(text, "# TYPE sluice_requests_total counter"));
}

TEST(broker_metrics, latency_buckets_are_cumulative_with_inf_sum_and_count) {
  broker_metrics m;
  m.request_started(protocol::api_key::produce);
  m.request_started(protocol::api_key::produce);
  m.request_started(protocol::api_key::produce);
  m.request_finished(protocol::api_key::produce, 200us);  // <= 0.00025
  m.request_finished(protocol::api_key::produce, 3ms);    // <= 0.005
  m.request_finished(protocol::api_key::produce, 20s);    // only +Inf
  const std::string text = m.render(nullptr);
  const std::string p = "sluice_request_duration_seconds_bucket{api=\"Produce\",le=";
  EXPECT_TRUE(has_line(text, "sluice_requests_total{api=\"Produce\"} 3")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.0001\"} 0")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.00025\"} 1")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.0025\"} 1")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.005\"} 2")) << text;
  EXPECT_TRUE(has_line(text, p + "\"10\"} 2")) << text;
  EXPECT_TRUE(has_line(text, p + "\"+Inf\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "sluice_request_duration_seconds_count{api=\"Produce\"} 3"));
  EXPECT_TRUE(has_line(text, "sluice_request_duration_seconds_sum{api=\"Produce\"} 20.0032"))
      << text;
}

TEST(broker_metrics, gauges_and_connection_counters) {
  broker_metrics m;
  m.connections_open = 4;
  m.requests_in_flight = 2;
  m.request_bytes_in_flight = 1234;
  m.request_bytes_budget = 536870912;
  m.connection_accepted();
  m.connection_refused("max_connections_per_ip");
  m.connection_refused("max_connections_per_ip");
  m.connection_idle_closed();
  m.topic_refused();
  const std::string text = m.render(nullptr);
  EXPECT_TRUE(has_line(text, "sluice_connections_open 4")) << text;
  EXPECT_TRUE(has_line(text, "sluice_requests_in_flight 2"));
  EXPECT_TRUE(has_line(text, "sluice_request_bytes_in_flight 1234"));
  EXPECT_TRUE(has_line(text, "sluice_request_bytes_budget 536870912"));
  EXPECT_TRUE(has_line(text, "sluice_connections_accepted_total 1"));
  EXPECT_TRUE(has_line(text, "sluice_connections_refused_total{reason=\"max_connections\"} 0"));
  EXPECT_TRUE(
      has_line(text, "sluice_connections_refused_total{reason=\"max_connections_per_ip\"} 2"));
  EXPECT_TRUE(has_line(text, "sluice_connections_idle_closed_total 1"));
  EXPECT_TRUE(has_line(text, "sluice_topics_refused_total 1"));
}

TEST(broker_metrics, label_values_are_escaped) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("orders.v1-x_y"), "orders.v1-x_y");
}

TEST(broker_metrics, bytes_per_topic_and_partition_offsets_follow_produce) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("orders", 2));
  auto batch = sluice::test::build_batch(5, 100, 1000);
  protocol::produce_request body;
  body.acks = -1;
  body.timeout_ms = 1000;
  auto& t = body.topic_data.emplace_back();
  t.name = "orders";
  t.partition_data.push_back({1, protocol::record_set::of(batch)});
  auto a = std::make_shared<test::answer>();
  handle_produce(shard, test::make_request(body, 7), test::capture(a));
  // The log end moves at once; the high watermark only after the fdatasync.
  std::string text = shard.metrics().render(&shard.topics());
  EXPECT_TRUE(has_line(
      text, "sluice_topic_bytes_in_total{topic=\"orders\"} " + std::to_string(batch.size())))
      << text;
  EXPECT_TRUE(
      has_line(text, "sluice_partition_log_end_offset{topic=\"orders\",partition=\"1\"} 5"));
  EXPECT_TRUE(
      has_line(text, "sluice_partition_high_watermark{topic=\"orders\",partition=\"1\"} 0"));
  shard.run_io();
  ASSERT_TRUE(a->called);
  text = shard.metrics().render(&shard.topics());
  EXPECT_TRUE(has_line(text, "sluice_partition_high_watermark{topic=\"orders\",partition=\"1\"} 5"))
      << text;
  EXPECT_TRUE(
      has_line(text, "sluice_partition_log_end_offset{topic=\"orders\",partition=\"0\"} 0"));
  EXPECT_TRUE(
      has_line(text, "sluice_partition_log_start_offset{topic=\"orders\",partition=\"1\"} 0"));
  EXPECT_TRUE(has_line(text, "sluice_topics 1"));
}

}  // namespace
}  // namespace sluice::broker
