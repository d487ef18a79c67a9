#include "protocol/api_keys.h"

#include <array>

namespace sluice::protocol {
namespace {

constexpr int16_t never = never_flexible;

// Columns: key, Kafka's name, first flexible version (Kafka's message specs,
// "flexibleVersions"), codec min and max (what protocol/messages/ implements
// today), response header always v0, last version with request header v0.
constexpr std::array kApis = {
    api_info{api_key::produce, "Produce", 9, 0, 12, false, -1},
    api_info{api_key::fetch, "Fetch", 12, 4, 17, false, -1},
    api_info{api_key::list_offsets, "ListOffsets", 6, 0, 10, false, -1},
    api_info{api_key::metadata, "Metadata", 9, 0, 12, false, -1},
    api_info{api_key::controlled_shutdown, "ControlledShutdown", 3, no_codec, no_codec, false, 0},
    api_info{api_key::offset_commit, "OffsetCommit", 8, 0, 9, false, -1},
    api_info{api_key::offset_fetch, "OffsetFetch", 6, 0, 9, false, -1},
    api_info{api_key::find_coordinator, "FindCoordinator", 3, 0, 6, false, -1},
    api_info{api_key::join_group, "JoinGroup", 6, 0, 9, false, -1},
    api_info{api_key::heartbeat, "Heartbeat", 4, 0, 4, false, -1},
    api_info{api_key::leave_group, "LeaveGroup", 4, 0, 5, false, -1},
    api_info{api_key::sync_group, "SyncGroup", 4, 0, 5, false, -1},
    api_info{api_key::describe_groups, "DescribeGroups", 5, 0, 5, false, -1},
    api_info{api_key::list_groups, "ListGroups", 3, 0, 5, false, -1},
    api_info{api_key::sasl_handshake, "SaslHandshake", never, no_codec, no_codec, false, -1},
    api_info{api_key::api_versions, "ApiVersions", 3, 0, 4, true, -1},
    api_info{api_key::create_topics, "CreateTopics", 5, 0, 7, false, -1},
    api_info{api_key::delete_topics, "DeleteTopics", 4, 0, 6, false, -1},
    api_info{api_key::delete_records, "DeleteRecords", 2, 0, 2, false, -1},
    api_info{api_key::init_producer_id, "InitProducerId", 2, 0, 5, false, -1},
    api_info{api_key::offset_for_leader_epoch, "OffsetForLeaderEpoch", 4, 0, 4, false, -1},
    api_info{api_key::add_partitions_to_txn, "AddPartitionsToTxn", 3, 0, 5, false, -1},
    api_info{api_key::add_offsets_to_txn, "AddOffsetsToTxn", 3, 0, 4, false, -1},
    api_info{api_key::end_txn, "EndTxn", 3, 0, 5, false, -1},
    api_info{api_key::write_txn_markers, "WriteTxnMarkers", 1, 0, 1, false, -1},
    api_info{api_key::txn_offset_commit, "TxnOffsetCommit", 3, 0, 5, false, -1},
    api_info{api_key::describe_configs, "DescribeConfigs", 4, 0, 4, false, -1},
    api_info{api_key::alter_configs, "AlterConfigs", 2, 0, 2, false, -1},
    api_info{api_key::describe_log_dirs, "DescribeLogDirs", 2, 0, 4, false, -1},
    api_info{api_key::sasl_authenticate, "SaslAuthenticate", 2, no_codec, no_codec, false, -1},
    api_info{api_key::create_partitions, "CreatePartitions", 2, 0, 3, false, -1},
    api_info{api_key::delete_groups, "DeleteGroups", 2, 0, 2, false, -1},
    api_info{api_key::incremental_alter_configs, "IncrementalAlterConfigs", 1, 0, 1, false, -1},
    api_info{api_key::offset_delete, "OffsetDelete", never, 0, 0, false, -1},
    api_info{api_key::describe_cluster, "DescribeCluster", 0, 0, 1, false, -1},
    api_info{api_key::describe_producers, "DescribeProducers", 0, 0, 0, false, -1},
    api_info{api_key::describe_transactions, "DescribeTransactions", 0, 0, 0, false, -1},
    api_info{api_key::list_transactions, "ListTransactions", 0, 0, 1, false, -1},
    api_info{api_key::consumer_group_heartbeat, "ConsumerGroupHeartbeat", 0, 0, 1, false, -1},
    api_info{api_key::consumer_group_describe, "ConsumerGroupDescribe", 0, 0, 1, false, -1},
    api_info{api_key::describe_topic_partitions, "DescribeTopicPartitions", 0, 0, 0, false, -1},
    api_info{api_key::share_group_heartbeat, "ShareGroupHeartbeat", 0, 1, 1, false, -1},
    api_info{api_key::share_group_describe, "ShareGroupDescribe", 0, 1, 1, false, -1},
    api_info{api_key::share_fetch, "ShareFetch", 0, 1, 2, false, -1},
    api_info{api_key::share_acknowledge, "ShareAcknowledge", 0, 1, 2, false, -1},
    api_info{api_key::describe_share_group_offsets, "DescribeShareGroupOffsets", 0, 0, 1, false,
             -1},
    api_info{api_key::alter_share_group_offsets, "AlterShareGroupOffsets", 0, 0, 0, false, -1},
    api_info{api_key::delete_share_group_offsets, "DeleteShareGroupOffsets", 0, 0, 0, false, -1},
};

}  // namespace

std::span<const api_info> all_apis() noexcept { return kApis; }

const api_info* find_api(api_key key) noexcept {
  for (const api_info& info : kApis) {
    if (info.key == key) return &info;
  }
  return nullptr;
}

std::string_view api_name(api_key key) noexcept {
  const api_info* info = find_api(key);
  return info != nullptr ? info->name : std::string_view("Unknown");
}

bool is_flexible(api_key key, int16_t version) noexcept {
  const api_info* info = find_api(key);
  return info != nullptr && version >= info->first_flexible_version;
}

bool codec_supports(api_key key, int16_t version) noexcept {
  const api_info* info = find_api(key);
  return info != nullptr && info->codec_min_version != no_codec &&
         version >= info->codec_min_version && version <= info->codec_max_version;
}

int16_t request_header_version(api_key key, int16_t version) noexcept {
  const api_info* info = find_api(key);
  if (info == nullptr) return 1;
  if (version <= info->last_request_header_v0) return 0;
  return version >= info->first_flexible_version ? 2 : 1;
}

int16_t response_header_version(api_key key, int16_t version) noexcept {
  const api_info* info = find_api(key);
  if (info == nullptr || info->response_header_always_v0) return 0;
  return version >= info->first_flexible_version ? 1 : 0;
}

}  // namespace sluice::protocol
