#pragma once
// The broker's configuration: Kafka's key names and defaults where Kafka has
// the key, so a server.properties written for Kafka mostly just works.
//
// Sources, later ones winning: built-in defaults (zero configuration:
// 127.0.0.1:9092, ./sluice-data, auto-create on), a properties file, then
// repeated `--set key=value` flags. Unknown keys are reported as warnings
// (Kafka has hundreds of keys that mean nothing here); a bad value for a known
// key is an error and the broker refuses to start.
//
// Thread: built once on the main thread before anything starts; read-only after.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/log_config.h"

namespace sluice::broker {

struct endpoint {
  std::string host;
  uint16_t port = 0;
  friend bool operator==(const endpoint&, const endpoint&) = default;
};

struct broker_config {
  endpoint listener{"127.0.0.1", 9092};                // listeners
  std::optional<endpoint> advertised;                  // advertised.listeners (default: listener)
  std::vector<std::string> log_dirs{"./sluice-data"};  // log.dirs / log.dir
  int32_t node_id = 0;                                 // node.id / broker.id
  int32_t num_partitions = 1;                          // num.partitions
  bool auto_create_topics = true;                      // auto.create.topics.enable
  uint64_t log_segment_bytes = 1ull << 30;             // log.segment.bytes
  uint32_t log_index_size_max_bytes = 10485760;        // log.index.size.max.bytes
  uint32_t log_index_interval_bytes = 4096;            // log.index.interval.bytes
  // The effective values of the keys Kafka offers in several units, resolved
  // with Kafka's precedence whatever the order they were given in:
  // log.roll.ms > log.roll.hours; log.retention.ms > .minutes > .hours.
  int64_t log_roll_ms = 7 * 24 * 3600 * 1000ll;       // log.roll.ms / log.roll.hours
  int64_t log_retention_ms = 7 * 24 * 3600 * 1000ll;  // log.retention.{ms,minutes,hours}
  bool log_append_time = false;                       // log.message.timestamp.type=LogAppendTime
  int64_t log_retention_bytes = -1;                   // log.retention.bytes
  int64_t log_retention_check_interval_ms = 300000;   // log.retention.check.interval.ms
  int64_t log_flush_interval_messages = INT64_MAX;    // log.flush.interval.messages
  int64_t log_flush_interval_ms = INT64_MAX;          // log.flush.interval.ms
  uint32_t message_max_bytes = 1048588;               // message.max.bytes
  int64_t producer_id_expiration_ms = 86400000;       // producer.id.expiration.ms
  // Log compaction (log/cleaner.h, broker/log_cleaner.h).
  std::string log_cleanup_policy = "delete";              // log.cleanup.policy
  bool log_cleaner_enable = true;                         // log.cleaner.enable
  int64_t log_cleaner_backoff_ms = 15000;                 // log.cleaner.backoff.ms
  double log_cleaner_min_cleanable_ratio = 0.5;           // log.cleaner.min.cleanable.ratio
  int64_t log_cleaner_delete_retention_ms = 86400000;     // log.cleaner.delete.retention.ms
  int64_t log_cleaner_min_compaction_lag_ms = 0;          // log.cleaner.min.compaction.lag.ms
  int64_t log_cleaner_max_compaction_lag_ms = INT64_MAX;  // log.cleaner.max.compaction.lag.ms
  int32_t socket_request_max_bytes = 104857600;           // socket.request.max.bytes
  int32_t fetch_max_bytes = 57671680;  // fetch.max.bytes: caps a Fetch's max_bytes
  // Sluice's own keys (no Kafka equivalent).
  int64_t request_read_timeout_ms = 30000;  // sluice.request.read.timeout.ms: whole-frame deadline
  // sluice.request.stall.timeout.ms: a frame being read that gets no byte for
  // this long is refused (the connection closes), releasing its budget.
  int64_t request_stall_timeout_ms = 5000;
  int32_t max_inflight_requests = 64;  // sluice.connection.max.inflight.requests
  // num.network.threads: threads that own the sockets (broker/network_threads.h);
  // -1 picks from the cores, 0 keeps every socket on the shard thread.
  int32_t num_network_threads = -1;
  int64_t shutdown_timeout_ms = 10000;     // sluice.shutdown.timeout.ms
  int64_t checkpoint_interval_ms = 60000;  // sluice.checkpoint.interval.ms

  // Limits (RELIABILITY.md F). Kafka's keys where Kafka has one.
  int64_t queued_max_request_bytes = 512ll << 20;  // queued.max.request.bytes (<= 0: unlimited)
  int64_t connections_max_idle_ms = 600000;        // connections.max.idle.ms (-1: never)
  int32_t max_connections = INT32_MAX;             // max.connections
  int32_t max_connections_per_ip = INT32_MAX;      // max.connections.per.ip
  int32_t max_topics = 1000;                       // sluice.max.topics: cap on auto-creation

  // Consumer groups (docs/groups.md). Kafka's keys and defaults.
  int64_t group_initial_rebalance_delay_ms = 3000;       // group.initial.rebalance.delay.ms
  int32_t group_min_session_timeout_ms = 6000;           // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;        // group.max.session.timeout.ms
  int64_t offsets_retention_minutes = 10080;             // offsets.retention.minutes
  int64_t offsets_retention_check_interval_ms = 600000;  // offsets.retention.check.interval.ms
  // KIP-848 consumer groups (docs/groups.md "Consumer-protocol groups").
  int32_t group_consumer_session_timeout_ms = 45000;    // group.consumer.session.timeout.ms
  int32_t group_consumer_heartbeat_interval_ms = 5000;  // group.consumer.heartbeat.interval.ms
  int32_t group_consumer_max_size = INT32_MAX;          // group.consumer.max.size
  std::vector<std::string> group_consumer_assignors{"uniform",
                                                    "range"};  // group.consumer.assignors

  // Transactions (docs/transactions.md). Kafka's keys and defaults.
  int32_t transaction_max_timeout_ms = 900000;  // transaction.max.timeout.ms
  // transaction.abort.timed.out.transaction.cleanup.interval.ms
  int64_t transaction_abort_check_interval_ms = 10000;
  int64_t transactional_id_expiration_ms = 604800000;  // transactional.id.expiration.ms

  // Share groups (docs/share-groups.md). Kafka's keys and defaults where Kafka has them.
  int64_t group_share_record_lock_duration_ms = 30000;    // group.share.record.lock.duration.ms
  int32_t group_share_delivery_count_limit = 5;           // group.share.delivery.count.limit
  int32_t group_share_partition_max_record_locks = 2000;  // group.share.partition.max.record.locks
  int32_t group_share_session_timeout_ms = 45000;         // group.share.session.timeout.ms
  int32_t group_share_heartbeat_interval_ms = 5000;       // group.share.heartbeat.interval.ms
  // The bounds a group's own share.* config must keep (broker/group_configs.h):
  // group.share.{min,max}.record.lock.duration.ms, .session.timeout.ms,
  // .heartbeat.interval.ms and .delivery.count.limit, Kafka's defaults.
  int32_t group_share_min_record_lock_duration_ms = 15000;
  int32_t group_share_max_record_lock_duration_ms = 60000;
  int32_t group_share_min_session_timeout_ms = 45000;
  int32_t group_share_max_session_timeout_ms = 60000;
  int32_t group_share_min_heartbeat_interval_ms = 5000;
  int32_t group_share_max_heartbeat_interval_ms = 15000;
  int32_t group_share_min_delivery_count_limit = 2;
  int32_t group_share_max_delivery_count_limit = 10;
  // Sluice's share keys: where a new group starts reading (the broker-wide
  // default of Kafka's group config share.auto.offset.reset, which a group's
  // own setting overrides: latest, earliest or by_duration:<ISO-8601>), the
  // per-member cap on acquired records (fair dispatch), and the two
  // extensions, off by default.
  std::string share_auto_offset_reset = "latest";  // sluice.share.auto.offset.reset
  // The broker-wide default of Kafka's group config share.isolation.level.
  bool share_isolation_read_committed = false;       // sluice.share.isolation.level
  int32_t share_member_max_acquired_records = 1000;  // sluice.share.member.max.acquired.records
  int64_t share_release_delay_ms = 0;                // sluice.share.release.delay.ms
  std::string share_dlq_topic_suffix;                // sluice.share.dlq.topic.suffix

  // Prometheus endpoint (metrics.listener): "host:port"; empty disables.
  std::optional<endpoint> metrics_listener = endpoint{"127.0.0.1", 9644};

  // Every key the properties file or a --set flag gave a valid value, as
  // written (the last one wins): DescribeConfigs reports these with source
  // STATIC_BROKER_CONFIG and tells them from built-in defaults.
  std::map<std::string, std::string, std::less<>> explicit_settings;
  // Keys of Kafka's that were given but mean nothing for one Sluice node
  // (inert_config_keys()), as written: accepted without a warning, logged.
  std::map<std::string, std::string, std::less<>> inert_settings;

  // The address clients are told to connect to (Metadata brokers list).
  endpoint advertised_endpoint() const;
  // Storage settings of a topic (no per-topic overrides yet).
  log::log_config topic_log_config() const;
};

// Applies one setting. Returns an error message for a bad value; an unknown
// key is not an error: it is appended to `warnings`.
std::optional<std::string> apply_setting(broker_config& cfg, std::string_view key,
                                         std::string_view value,
                                         std::vector<std::string>& warnings);

// Java-properties text: `key=value`, `key: value` or `key value` lines, `#` and
// `!` comments, surrounding blanks trimmed. Errors name the line.
std::optional<std::string> apply_properties(broker_config& cfg, std::string_view text,
                                            std::vector<std::string>& warnings);
// Reads the file and applies it.
std::optional<std::string> apply_properties_file(broker_config& cfg, const std::string& path,
                                                 std::vector<std::string>& warnings);
// One `key=value` from the command line.
std::optional<std::string> apply_override(broker_config& cfg, std::string_view key_equals_value,
                                          std::vector<std::string>& warnings);

// Kafka keys Sluice accepts and ignores, each with the reason it has no
// meaning here (one node, one thread, no ZooKeeper or controller quorum);
// docs/broker.md lists the same table. Any other unknown key warns.
struct inert_key {
  std::string_view key;
  std::string_view reason;
};
const std::vector<inert_key>& inert_config_keys();

// The effective configuration in one line for the start-up log: every key
// the file or a flag set (as written, sorted), the inert ones marked, then
// the resolved log.retention.ms and log.roll.ms (which unit variants feed).
std::string effective_config_summary(const broker_config& cfg);

// "PLAINTEXT://host:port" or "host:port" (the first of a comma-separated list).
std::optional<endpoint> parse_listener(std::string_view text);

// Kafka's value syntax, shared by broker settings, topic configs and their
// files: surrounding blanks (space, tab, CR, LF) are not part of a value, and
// a list is comma-separated items, each trimmed, empty ones dropped
// ("a, b," -> {"a", "b"}; "" -> {}).
std::string_view trim_blanks(std::string_view s);
std::vector<std::string> split_config_list(std::string_view value);
// The inverse, in Kafka's canonical form: {"a", "b"} -> "a,b".
std::string join_config_list(const std::vector<std::string>& items);

}  // namespace sluice::broker
