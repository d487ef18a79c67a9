#pragma once
// Administrative operations, as coroutines over a cluster: topics, configs,
// offsets and groups. Each call finds the right broker (the controller, a
// partition's leader, a group's coordinator), sends Kafka's request and turns
// the answer into plain values. Per-item failures are values inside the
// answer (a topic that already exists does not fail the others); a failure of
// the whole request (network, timeout, no coordinator) is the result's error.
//
// Ownership and threads: holds a reference to the cluster, which must outlive
// it; runs on the cluster's executor.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/cluster.h"
#include "client/error.h"
#include "client/record.h"

namespace sluice::client {

// Outcome for one named item (a topic, a group, a partition).
struct item_error {
  protocol::error_code code = protocol::error_code::none;
  std::string message;  // "NAME: broker's message", empty on success
  bool ok() const noexcept { return code == protocol::error_code::none; }
};

// An item's outcome from a broker's per-item code and message; `what` names
// the item in the message ("group 'g'").
item_error item_error_of(protocol::error_code code, const std::optional<std::string>& message,
                         std::string_view what);

struct new_topic {
  std::string name;
  int32_t num_partitions = -1;                 // -1: the broker's num.partitions
  int16_t replication_factor = -1;             // -1: the broker's default
  std::map<std::string, std::string> configs;  // e.g. {"retention.ms", "3600000"}
};

struct config_entry {
  std::string name;
  std::optional<std::string> value;
  bool read_only = false;
  bool is_default = false;
  bool is_sensitive = false;
};

// A resource's configs: "topic", "broker" (the broker's node id as name) or
// "group" (KIP-848/KIP-932 group configs; the group id as name).
enum class config_resource_type : int8_t { topic = 2, broker = 4, group = 32 };
struct config_resource {  // a constructor, not an aggregate: see topic_partition
  config_resource() = default;
  config_resource(config_resource_type t, std::string n) : type(t), name(std::move(n)) {}
  config_resource_type type = config_resource_type::topic;
  std::string name;
};

// ListOffsets' special timestamps.
inline constexpr int64_t latest_offset_timestamp = -1;
inline constexpr int64_t earliest_offset_timestamp = -2;

struct listed_offset {
  item_error error;
  int64_t offset = -1;     // -1 when no record has a timestamp >= the one asked
  int64_t timestamp = -1;  // the record's timestamp (by-time queries)
};

struct coordinator {
  int32_t node_id = -1;
  std::string host;
  int32_t port = 0;
};

struct group_listing {
  std::string group_id;
  std::string protocol_type;  // "consumer" for consumer groups
};

struct group_member_description {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  // Decoded from the member's assignment when the group is a consumer group.
  std::vector<topic_partition> assignment;
  // KIP-848 (consumer-protocol) groups only: the member's epoch and the
  // assignment the coordinator wants it to reach; -1 / empty otherwise.
  int32_t member_epoch = -1;
  std::vector<topic_partition> target_assignment;
};

struct group_description {
  std::string group_id;
  item_error error;
  std::string state;          // "Stable", "Empty", "PreparingRebalance", ...
  std::string protocol_type;  // "consumer"
  std::string protocol;       // the assignor: "range", "roundrobin"; "uniform" (KIP-848)
  std::vector<group_member_description> members;
  // "classic" (JoinGroup/SyncGroup members) or "consumer" (KIP-848 members,
  // described with ConsumerGroupDescribe, which also gives the epochs).
  std::string type = "classic";
  int32_t group_epoch = -1;
  int32_t assignment_epoch = -1;
};

struct committed_offset {
  item_error error;
  int64_t offset = -1;  // -1: no committed offset
  std::optional<std::string> metadata;
};

class admin {
 public:
  explicit admin(cluster& c) : cluster_(c) {}

  // Topics. Results are per topic name, in request order.
  awaitable<result<std::map<std::string, item_error>>> create_topics(std::vector<new_topic> topics,
                                                                     bool validate_only = false);
  awaitable<result<std::map<std::string, item_error>>> delete_topics(
      std::vector<std::string> names);
  // Raises a topic's partition count to total_count.
  awaitable<result<std::map<std::string, item_error>>> create_partitions(
      std::map<std::string, int32_t> total_counts, bool validate_only = false);
  // All topic names the cluster reports (internal ones included).
  awaitable<result<std::vector<topic_metadata>>> list_topics();

  // Configs. Empty `keys`: all of them.
  awaitable<result<std::vector<config_entry>>> describe_configs(const config_resource& resource,
                                                                std::vector<std::string> keys = {});
  // Kafka's AlterConfigs: replaces the resource's whole set of dynamic configs.
  awaitable<result<void>> alter_configs(const config_resource& resource,
                                        std::map<std::string, std::string> configs);

  // Offsets by timestamp: latest_offset_timestamp, earliest_offset_timestamp or
  // ms since the epoch (the first offset whose timestamp is >= it).
  // isolation_level 1 (read_committed): "latest" is the last stable offset,
  // the end a read_committed consumer reads to.
  awaitable<result<std::map<topic_partition, listed_offset>>> list_offsets(
      std::map<topic_partition, int64_t> timestamps, int8_t isolation_level = 0);
  // Deletes records below the given offsets; answers each partition's new
  // log start offset.
  awaitable<result<std::map<topic_partition, listed_offset>>> delete_records(
      std::map<topic_partition, int64_t> before_offsets);

  // Groups.
  // key_type: 0 a group (protocol::coordinator_key_type_group), 1 a
  // transactional id (coordinator_key_type_transaction).
  awaitable<result<coordinator>> find_coordinator(std::string key, int8_t key_type = 0);
  // A connection to the group's coordinator.
  awaitable<result<std::shared_ptr<connection>>> coordinator_connection(std::string group_id);
  awaitable<result<std::vector<group_listing>>> list_groups();
  awaitable<result<std::vector<group_description>>> describe_groups(std::vector<std::string> ids);
  awaitable<result<std::map<std::string, item_error>>> delete_groups(std::vector<std::string> ids);
  // Committed offsets; empty `partitions`: every partition the group has.
  awaitable<result<std::map<topic_partition, committed_offset>>> fetch_offsets(
      std::string group_id, std::vector<topic_partition> partitions = {});
  // Commits as a non-member (generation -1, empty member id), which the
  // coordinator accepts only while the group is empty: offset resets.
  awaitable<result<std::map<topic_partition, item_error>>> commit_offsets(
      std::string group_id, std::map<topic_partition, int64_t> offsets);

 private:
  cluster& cluster_;
};

}  // namespace sluice::client
