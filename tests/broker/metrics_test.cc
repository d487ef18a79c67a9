#include "broker/metrics.h"

#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/error_counts.h"
#include "broker/group/coordinator.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/metadata.h"
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

TEST(broker_metrics, build_info_uptime_and_brokers_are_always_on_the_page) {
  broker_metrics m;
  m.version = "1.2.3";
  m.revision = "abc\"d";
  const std::string text = m.render(nullptr);
  EXPECT_TRUE(has_line(text, "# TYPE sluice_build_info gauge")) << text;
  EXPECT_TRUE(has_line(text, "sluice_build_info{version=\"1.2.3\",revision=\"abc\\\"d\"} 1"))
      << text;
  EXPECT_TRUE(has_line(text, "kafka_brokers 1"));
  const auto at = text.find("\nsluice_uptime_seconds ");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GE(std::stod(text.substr(at + 23)), 0.0);
  // The build's own version, from CMake, is the default.
  EXPECT_FALSE(broker_metrics().version.empty());
}

TEST(error_tally, counts_every_error_field_other_than_none_at_any_depth) {
  protocol::produce_response r;
  auto& t = r.responses.emplace_back();
  t.partition_responses.resize(3);
  t.partition_responses[0].error_code = protocol::error_code::unknown_topic_or_partition;
  t.partition_responses[2].error_code = protocol::error_code::unknown_topic_or_partition;
  auto& t2 = r.responses.emplace_back();
  t2.partition_responses.resize(1);
  t2.partition_responses[0].error_code = protocol::error_code::not_leader_or_follower;
  const error_tally got = tally_errors(r);
  ASSERT_EQ(got.counts.size(), 2u);
  EXPECT_EQ(got.counts[0],
            std::make_pair(protocol::error_code::unknown_topic_or_partition, uint32_t{2}));
  EXPECT_EQ(got.counts[1],
            std::make_pair(protocol::error_code::not_leader_or_follower, uint32_t{1}));
  EXPECT_TRUE(tally_errors(protocol::metadata_response{}).counts.empty());
  protocol::fetch_response f;
  f.error_code = protocol::error_code::fetch_session_id_not_found;  // top-level field
  EXPECT_EQ(tally_errors(f).counts.size(), 1u);
}

TEST(broker_metrics, error_counters_by_api_and_error_name) {
  broker_metrics m;
  error_tally t;
  t.add(protocol::error_code::unknown_topic_or_partition);
  t.add(protocol::error_code::unknown_topic_or_partition);
  m.request_errors(protocol::api_key::produce, t);
  m.request_errors(protocol::api_key::produce, t);
  m.request_errors(protocol::api_key::metadata, error_tally{});
  const std::string text = m.render(nullptr);
  EXPECT_TRUE(has_line(text, "# TYPE sluice_request_errors_total counter")) << text;
  EXPECT_TRUE(has_line(
      text, "sluice_request_errors_total{api=\"Produce\",error=\"UNKNOWN_TOPIC_OR_PARTITION\"} 4"))
      << text;
  EXPECT_EQ(text.find("sluice_request_errors_total{api=\"Metadata\""), std::string::npos);
}

TEST(broker_metrics, a_produce_answer_carries_its_error_codes) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("orders", 1));
  auto batch = sluice::test::build_batch(2, 10, 1000);
  protocol::produce_request body;
  body.acks = 1;
  body.timeout_ms = 1000;
  auto& t = body.topic_data.emplace_back();
  t.name = "orders";
  t.partition_data.push_back({7, protocol::record_set::of(batch)});  // no partition 7
  auto a = std::make_shared<test::answer>();
  handle_produce(shard, test::make_request(body, 7), test::capture(a));
  shard.run_io();
  ASSERT_TRUE(a->called && a->value);
  ASSERT_EQ(a->value->errors.counts.size(), 1u);
  EXPECT_EQ(a->value->errors.counts[0].first, protocol::error_code::unknown_topic_or_partition);
}

TEST(broker_metrics, queue_time_histogram) {
  broker_metrics m;
  m.request_queued(3us);
  m.request_queued(2ms);
  const std::string text = m.render(nullptr);
  const std::string p = "sluice_request_queue_time_seconds_bucket{le=";
  EXPECT_TRUE(has_line(text, "# TYPE sluice_request_queue_time_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, p + "\"1e-06\"} 0")) << text;
  EXPECT_TRUE(has_line(text, p + "\"5e-06\"} 1")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.001\"} 1")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.005\"} 2")) << text;
  EXPECT_TRUE(has_line(text, p + "\"+Inf\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "sluice_request_queue_time_seconds_count 2")) << text;
}

// The log's fdatasync histogram is on the page once the shard hands it over
// (sluice_log_flush_duration_seconds), in the same cumulative shape.
TEST(broker_metrics, log_flush_histogram) {
  broker_metrics m;
  EXPECT_EQ(m.render(nullptr).find("sluice_log_flush_duration_seconds"), std::string::npos);
  log::sync_histogram syncs;
  syncs.observe(0.0002);  // 200 us
  syncs.observe(0.004);   // 4 ms: a busy disk
  m.log_sync_latency = &syncs;
  const std::string text = m.render(nullptr);
  const std::string p = "sluice_log_flush_duration_seconds_bucket{le=";
  EXPECT_TRUE(has_line(text, "# TYPE sluice_log_flush_duration_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.0001\"} 0")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.00025\"} 1")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.0025\"} 1")) << text;
  EXPECT_TRUE(has_line(text, p + "\"0.005\"} 2")) << text;
  EXPECT_TRUE(has_line(text, p + "\"+Inf\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "sluice_log_flush_duration_seconds_count 2")) << text;
}

TEST(broker_metrics, records_in_and_out_log_size_and_kafka_exporter_partition_families) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("orders", 2));
  auto batch = sluice::test::build_batch(5, 100, 1000);
  auto batch2 = sluice::test::build_batch(3, 100, 1000);
  protocol::produce_request body;
  body.acks = -1;
  body.timeout_ms = 1000;
  auto& t = body.topic_data.emplace_back();
  t.name = "orders";
  t.partition_data.push_back({1, protocol::record_set::of(batch)});
  auto a = std::make_shared<test::answer>();
  handle_produce(shard, test::make_request(body, 7), test::capture(a));
  shard.run_io();
  ASSERT_TRUE(a->called);
  t.partition_data[0].records = protocol::record_set::of(batch2);
  a = std::make_shared<test::answer>();
  handle_produce(shard, test::make_request(body, 7), test::capture(a));
  shard.run_io();
  ASSERT_TRUE(a->called);

  protocol::fetch_request f;
  f.max_wait_ms = 0;
  f.min_bytes = 1;
  auto& ft = f.topics.emplace_back();
  ft.topic = "orders";
  ft.partitions.push_back({1, -1, 0, -1, 1 << 20});
  auto fa = std::make_shared<test::answer>();
  handle_fetch(shard, test::make_request(f, 11), test::capture(fa));
  ASSERT_TRUE(fa->called);
  ft.partitions[0].fetch_offset = 5;  // the second batch alone
  fa = std::make_shared<test::answer>();
  handle_fetch(shard, test::make_request(f, 11), test::capture(fa));
  ASSERT_TRUE(fa->called);

  const std::string text = shard.metrics().render(&shard.topics());
  EXPECT_TRUE(has_line(text, "sluice_topic_records_in_total{topic=\"orders\"} 8")) << text;
  EXPECT_TRUE(has_line(text, "sluice_topic_records_out_total{topic=\"orders\"} 11")) << text;
  EXPECT_TRUE(has_line(text, "kafka_topic_partitions{topic=\"orders\"} 2")) << text;
  EXPECT_TRUE(
      has_line(text, "kafka_topic_partition_current_offset{topic=\"orders\",partition=\"1\"} 8"));
  EXPECT_TRUE(
      has_line(text, "kafka_topic_partition_current_offset{topic=\"orders\",partition=\"0\"} 0"));
  EXPECT_TRUE(
      has_line(text, "kafka_topic_partition_oldest_offset{topic=\"orders\",partition=\"1\"} 0"));
  EXPECT_TRUE(has_line(text, "sluice_log_size_bytes{topic=\"orders\",partition=\"1\"} " +
                                 std::to_string(batch.size() + batch2.size())))
      << text;
  EXPECT_TRUE(has_line(text, "sluice_log_size_bytes{topic=\"orders\",partition=\"0\"} 0"));
}

TEST(broker_metrics, kafka_exporter_consumer_group_families_from_committed_offsets) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("t", 2));
  group::coordinator c(shard, {});
  group::offsets_record r;
  r.group = "g";
  r.topic = "t";
  r.partition = 1;
  r.value = group::committed_offset{1, -1, std::nullopt, 1, -1};
  group::offsets_record r0 = r;
  r0.partition = 0;
  r0.value = group::committed_offset{0, -1, std::nullopt, 1, -1};
  bool done = false;
  c.append({r, r0}, [&](std::error_code ec) { done = !ec; });
  auto batch = group::encode_batch({r, r, r, r}, 1);  // four records in t-1
  bool appended = false;
  ASSERT_TRUE(shard.topics().get("t", 1)->append(batch, log::ack_level::flushed,
                                                 [&](std::error_code ec) { appended = !ec; }));
  shard.run_io();
  ASSERT_TRUE(done && appended);
  const std::string page = shard.metrics().render(&shard.topics());
  EXPECT_TRUE(has_line(page, "# TYPE kafka_consumergroup_lag gauge")) << page;
  EXPECT_TRUE(has_line(
      page,
      "kafka_consumergroup_current_offset{consumergroup=\"g\",topic=\"t\",partition=\"1\"} 1"))
      << page;
  EXPECT_TRUE(
      has_line(page, "kafka_consumergroup_lag{consumergroup=\"g\",topic=\"t\",partition=\"1\"} 3"))
      << page;
  EXPECT_TRUE(
      has_line(page, "kafka_consumergroup_lag{consumergroup=\"g\",topic=\"t\",partition=\"0\"} 0"));
  EXPECT_TRUE(has_line(page, "kafka_consumergroup_lag_sum{consumergroup=\"g\",topic=\"t\"} 3"));
  EXPECT_TRUE(
      has_line(page, "kafka_consumergroup_current_offset_sum{consumergroup=\"g\",topic=\"t\"} 1"));
  // Known by its offsets only: 0 members, as Kafka's Empty group.
  EXPECT_TRUE(has_line(page, "kafka_consumergroup_members{consumergroup=\"g\"} 0")) << page;
}

}  // namespace
}  // namespace sluice::broker
