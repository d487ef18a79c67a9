#include "broker/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace sluice::broker {
namespace {

TEST(broker_config, zero_configuration_defaults) {
  broker_config c;
  EXPECT_EQ(c.listener, (endpoint{"127.0.0.1", 9092}));
  EXPECT_EQ(c.advertised_endpoint(), (endpoint{"127.0.0.1", 9092}));
  EXPECT_EQ(c.log_dirs, std::vector<std::string>{"./sluice-data"});
  EXPECT_TRUE(c.auto_create_topics);
  EXPECT_EQ(c.num_partitions, 1);
  EXPECT_EQ(c.socket_request_max_bytes, 104857600);
  EXPECT_EQ(c.node_id, 0);
}

TEST(broker_config, properties_text_uses_kafka_keys_and_separators) {
  broker_config c;
  std::vector<std::string> warnings;
  auto err = apply_properties(c,
                              "# a comment\n"
                              "! another\n"
                              "listeners=PLAINTEXT://0.0.0.0:19092\n"
                              "advertised.listeners = PLAINTEXT://broker.example:29092\n"
                              "log.dirs=/a, /b\n"
                              "num.partitions: 4\n"
                              "log.segment.bytes 65536\n"
                              "auto.create.topics.enable=false\n"
                              "broker.id=3\n"
                              "  message.max.bytes=2000000  \n",
                              warnings);
  ASSERT_FALSE(err) << *err;
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(c.listener, (endpoint{"0.0.0.0", 19092}));
  EXPECT_EQ(c.advertised_endpoint(), (endpoint{"broker.example", 29092}));
  EXPECT_EQ(c.log_dirs, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(c.num_partitions, 4);
  EXPECT_EQ(c.log_segment_bytes, 65536u);
  EXPECT_FALSE(c.auto_create_topics);
  EXPECT_EQ(c.node_id, 3);
  EXPECT_EQ(c.message_max_bytes, 2000000u);
  EXPECT_EQ(c.topic_log_config().segment_bytes, 65536u);
  EXPECT_EQ(c.topic_log_config().max_message_bytes, 2000000u);
}

TEST(broker_config, set_overrides_win_over_the_file) {
  test::temp_dir dir;
  std::ofstream(dir / "server.properties") << "num.partitions=4\nlog.dir=/data\n";
  broker_config c;
  std::vector<std::string> warnings;
  ASSERT_FALSE(apply_properties_file(c, dir / "server.properties", warnings));
  ASSERT_FALSE(apply_override(c, "num.partitions=8", warnings));
  EXPECT_EQ(c.num_partitions, 8);
  EXPECT_EQ(c.log_dirs, std::vector<std::string>{"/data"});  // log.dir is an alias
}

TEST(broker_config, unknown_keys_are_warnings_not_errors) {
  broker_config c;
  std::vector<std::string> warnings;
  EXPECT_FALSE(apply_properties(c, "log.frobnicate.bytes=12\n", warnings));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("log.frobnicate.bytes"), std::string::npos);
}

// The keys of Kafka's config/server.properties and config/kraft/server.properties,
// with their values (apart from the directory).
constexpr const char* kafka_stock_properties =
    "broker.id=0\n"
    "process.roles=broker,controller\n"
    "node.id=1\n"
    "controller.quorum.voters=1@localhost:9093\n"
    "listeners=PLAINTEXT://:9092,CONTROLLER://:9093\n"
    "inter.broker.listener.name=PLAINTEXT\n"
    "advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093\n"
    "controller.listener.names=CONTROLLER\n"
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL\n"
    "num.network.threads=3\n"
    "num.io.threads=8\n"
    "socket.send.buffer.bytes=102400\n"
    "socket.receive.buffer.bytes=102400\n"
    "socket.request.max.bytes=104857600\n"
    "log.dirs=/tmp/kafka-logs\n"
    "num.partitions=1\n"
    "num.recovery.threads.per.data.dir=1\n"
    "offsets.topic.replication.factor=1\n"
    "transaction.state.log.replication.factor=1\n"
    "transaction.state.log.min.isr=1\n"
    "share.coordinator.state.topic.replication.factor=1\n"
    "share.coordinator.state.topic.min.isr=1\n"
    "log.retention.hours=168\n"
    "log.segment.bytes=1073741824\n"
    "log.retention.check.interval.ms=300000\n"
    "zookeeper.connect=localhost:2181\n"
    "zookeeper.connection.timeout.ms=18000\n"
    "group.initial.rebalance.delay.ms=0\n";

TEST(broker_config, kafka_stock_server_properties_start_without_warnings) {
  broker_config c;
  std::vector<std::string> warnings;
  auto err = apply_properties(c, kafka_stock_properties, warnings);
  ASSERT_FALSE(err) << *err;
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(c.node_id, 1);  // node.id after broker.id: the last one wins
  EXPECT_EQ(c.listener, (endpoint{"", 9092}));
  EXPECT_EQ(c.advertised_endpoint(), (endpoint{"localhost", 9092}));
  EXPECT_EQ(c.log_retention_ms, 168 * 3600 * 1000ll);
  EXPECT_EQ(c.group_initial_rebalance_delay_ms, 0);
  EXPECT_EQ(c.num_network_threads, 3);  // a real setting (D32), not inert
  // Inert keys are remembered for the start-up line, not taken as settings.
  EXPECT_EQ(c.inert_settings.count("zookeeper.connect"), 1u);
  EXPECT_EQ(c.explicit_settings.count("zookeeper.connect"), 0u);
  const std::string line = effective_config_summary(c);
  EXPECT_NE(line.find("num.io.threads=8(inert)"), std::string::npos) << line;
  EXPECT_NE(line.find("log.retention.hours=168 "), std::string::npos) << line;
  EXPECT_NE(line.find("log.retention.ms=604800000"), std::string::npos) << line;
}

TEST(broker_config, retention_hours_and_minutes_take_effect) {
  broker_config c;
  std::vector<std::string> warnings;
  ASSERT_FALSE(apply_properties(c, "log.retention.hours=1\n", warnings));
  EXPECT_EQ(c.log_retention_ms, 3600000);
  EXPECT_EQ(c.topic_log_config().retention_ms, 3600000);
  ASSERT_FALSE(apply_override(c, "log.retention.minutes=5", warnings));
  EXPECT_EQ(c.log_retention_ms, 300000);  // minutes win over hours
  ASSERT_FALSE(apply_override(c, "log.retention.hours=2", warnings));
  EXPECT_EQ(c.log_retention_ms, 300000);  // ... whatever the order
  ASSERT_FALSE(apply_override(c, "log.retention.hours=-1", warnings));
  EXPECT_EQ(c.log_retention_ms, 300000);
  EXPECT_TRUE(warnings.empty());
}

TEST(broker_config, retention_ms_wins_over_every_coarser_unit_in_any_order) {
  broker_config c;
  std::vector<std::string> warnings;
  ASSERT_FALSE(apply_properties(
      c, "log.retention.ms=1234\nlog.retention.minutes=7\nlog.retention.hours=1\n", warnings));
  EXPECT_EQ(c.log_retention_ms, 1234);
  broker_config unlimited;
  ASSERT_FALSE(apply_properties(unlimited, "log.retention.hours=-5\n", warnings));
  EXPECT_EQ(unlimited.log_retention_ms, -1);  // Kafka: any negative time is unlimited
}

TEST(broker_config, roll_hours_apply_unless_roll_ms_is_set) {
  broker_config c;
  std::vector<std::string> warnings;
  ASSERT_FALSE(apply_properties(c, "log.roll.hours=2\n", warnings));
  EXPECT_EQ(c.log_roll_ms, 2 * 3600000ll);
  EXPECT_EQ(c.topic_log_config().roll_ms, 2 * 3600000ll);
  ASSERT_FALSE(apply_properties(c, "log.roll.ms=60000\nlog.roll.hours=3\n", warnings));
  EXPECT_EQ(c.log_roll_ms, 60000);
  EXPECT_TRUE(warnings.empty());
}

TEST(broker_config, time_unit_variants_refuse_what_kafka_refuses) {
  for (const char* s : {"log.roll.hours=0", "log.roll.hours=-1", "log.retention.hours=0",
                        "log.retention.minutes=0", "log.retention.hours=1.5",
                        "log.retention.hours=3000000000", "log.message.timestamp.type=Now"}) {
    broker_config c;
    std::vector<std::string> warnings;
    auto err = apply_override(c, s, warnings);
    ASSERT_TRUE(err) << s;
    EXPECT_EQ(c.log_retention_ms, 168 * 3600000ll) << s;
    EXPECT_EQ(c.log_roll_ms, 168 * 3600000ll) << s;
  }
}

TEST(broker_config, log_message_timestamp_type_sets_the_topic_default) {
  broker_config c;
  std::vector<std::string> warnings;
  EXPECT_FALSE(c.topic_log_config().log_append_time);
  ASSERT_FALSE(apply_override(c, "log.message.timestamp.type=LogAppendTime", warnings));
  EXPECT_TRUE(c.topic_log_config().log_append_time);
}

TEST(broker_config, every_inert_key_has_a_reason_and_is_no_setting) {
  for (const inert_key& k : inert_config_keys()) {
    EXPECT_FALSE(k.reason.empty()) << k.key;
    broker_config c;
    std::vector<std::string> warnings;
    EXPECT_FALSE(apply_override(c, std::string(k.key) + "=1", warnings)) << k.key;
    EXPECT_TRUE(warnings.empty()) << k.key;
    EXPECT_TRUE(c.explicit_settings.empty()) << k.key;
  }
}

TEST(broker_config, bad_values_are_errors_that_name_the_key) {
  for (const char* s :
       {"num.partitions=0", "num.partitions=abc", "num.partitions=4x",
        "auto.create.topics.enable=yes", "listeners=nonsense", "listeners=PLAINTEXT://host:99999",
        "listeners=SSL://host:9093", "socket.request.max.bytes=-1", "log.retention.ms=-2",
        "advertised.listeners=PLAINTEXT://0.0.0.0:9092", "log.dirs=", "log.segment.bytes=10",
        "node.id=-1", "log.index.size.max.bytes=100", "log.index.interval.bytes=-1",
        "sluice.request.stall.timeout.ms=0", "log.cleanup.policy=shred",
        "log.cleaner.min.cleanable.ratio=1.5", "log.cleaner.enable=maybe"}) {
    broker_config c;
    std::vector<std::string> warnings;
    auto err = apply_override(c, s, warnings);
    ASSERT_TRUE(err) << s;
    std::string key(s, std::string_view(s).find('='));
    EXPECT_NE(err->find(key), std::string::npos) << *err;
  }
}

TEST(broker_config, file_errors_name_the_line) {
  broker_config c;
  std::vector<std::string> warnings;
  auto err = apply_properties(c, "num.partitions=2\nnum.partitions=-3\n", warnings);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("line 2"), std::string::npos) << *err;
  EXPECT_TRUE(apply_properties_file(c, "/nonexistent/server.properties", warnings));
}

TEST(broker_config, override_needs_key_equals_value) {
  broker_config c;
  std::vector<std::string> warnings;
  EXPECT_TRUE(apply_override(c, "num.partitions", warnings));
  EXPECT_TRUE(apply_override(c, "=3", warnings));
}

TEST(broker_config, listener_forms) {
  EXPECT_EQ(parse_listener("PLAINTEXT://localhost:9092"), (endpoint{"localhost", 9092}));
  EXPECT_EQ(parse_listener("127.0.0.1:0"), (endpoint{"127.0.0.1", 0}));
  EXPECT_EQ(parse_listener("PLAINTEXT://[::1]:9092"), (endpoint{"::1", 9092}));
  EXPECT_EQ(parse_listener("PLAINTEXT://:9092"), (endpoint{"", 9092}));
  // The first of several listeners is the one served.
  EXPECT_EQ(parse_listener("PLAINTEXT://a:1,PLAINTEXT://b:2"), (endpoint{"a", 1}));
  EXPECT_FALSE(parse_listener("localhost"));
}

TEST(broker_config, wildcard_listener_advertises_a_host_name) {
  broker_config c;
  c.listener = {"0.0.0.0", 9092};
  endpoint e = c.advertised_endpoint();
  EXPECT_NE(e.host, "0.0.0.0");
  EXPECT_FALSE(e.host.empty());
  EXPECT_EQ(e.port, 9092);
}

TEST(broker_config, index_sizes_reach_every_partitions_log_config) {
  broker_config c;
  std::vector<std::string> warnings;
  for (const char* kv : {"log.index.size.max.bytes=65536", "log.index.interval.bytes=512",
                         "sluice.request.stall.timeout.ms=750"}) {
    EXPECT_FALSE(apply_override(c, kv, warnings)) << kv;
  }
  EXPECT_TRUE(warnings.empty());  // known keys, not "unknown key" warnings
  const log::log_config lc = c.topic_log_config();
  EXPECT_EQ(lc.max_index_bytes, 65536u);
  EXPECT_EQ(lc.index_interval_bytes, 512u);
  EXPECT_EQ(c.request_stall_timeout_ms, 750);
}

TEST(broker_config, limits_and_metrics_listener) {
  broker_config c;
  EXPECT_EQ(c.queued_max_request_bytes, 512ll << 20);
  EXPECT_EQ(c.connections_max_idle_ms, 600000);
  EXPECT_EQ(c.max_topics, 1000);
  EXPECT_EQ(c.metrics_listener, (endpoint{"127.0.0.1", 9644}));
  std::vector<std::string> warnings;
  for (const char* kv : {"queued.max.request.bytes=1048576", "connections.max.idle.ms=2500",
                         "max.connections=100", "max.connections.per.ip=5", "sluice.max.topics=3",
                         "metrics.listener=http://0.0.0.0:9100"}) {
    EXPECT_FALSE(apply_override(c, kv, warnings)) << kv;
  }
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(c.queued_max_request_bytes, 1048576);
  EXPECT_EQ(c.connections_max_idle_ms, 2500);
  EXPECT_EQ(c.max_connections, 100);
  EXPECT_EQ(c.max_connections_per_ip, 5);
  EXPECT_EQ(c.max_topics, 3);
  EXPECT_EQ(c.metrics_listener, (endpoint{"0.0.0.0", 9100}));
  EXPECT_FALSE(apply_override(c, "metrics.listener=", warnings));
  EXPECT_FALSE(c.metrics_listener);
  EXPECT_FALSE(apply_override(c, "metrics.listener=127.0.0.1:0", warnings));
  EXPECT_EQ(c.metrics_listener, (endpoint{"127.0.0.1", 0}));
  EXPECT_TRUE(apply_override(c, "metrics.listener=nonsense", warnings));
  EXPECT_TRUE(apply_override(c, "max.connections.per.ip=0", warnings));
  EXPECT_TRUE(apply_override(c, "connections.max.idle.ms=-2", warnings));
}

}  // namespace
}  // namespace sluice::broker
