#pragma once
// The dispatch table: one row per API the broker serves, with the version range
// it advertises and the handler that serves it. The same rows produce the
// ApiVersions response, so what is advertised and what is served cannot drift.
//
// Ranges follow PROTOCOL.md section 2. Produce advertises 0-7 although only
// 3-7 are served: librdkafka 2.0.2 enables gzip and snappy only when Produce
// v0 is in the advertised range (G2); v0-2 are answered with
// UNSUPPORTED_VERSION per partition, as Kafka 4 does (KAFKA-18659).

#include <cstdint>
#include <span>

#include "broker/request.h"
#include "protocol/api_keys.h"
#include "protocol/messages/api_versions.h"

namespace sluice::broker {

struct api_entry {
  protocol::api_key key;
  int16_t min_version;
  int16_t max_version;
  handler_fn handle;
};

std::span<const api_entry> api_table() noexcept;
// nullptr for an API the broker does not serve.
const api_entry* find_api_entry(protocol::api_key key) noexcept;
// The ApiVersions answer listing every row.
protocol::api_versions_response make_api_versions_response();

// One handler per API, one file each under broker/handlers/.
void handle_api_versions(shard_services& shard, request req, respond_fn respond);
void handle_metadata(shard_services& shard, request req, respond_fn respond);
void handle_produce(shard_services& shard, request req, respond_fn respond);
void handle_fetch(shard_services& shard, request req, respond_fn respond);
void handle_list_offsets(shard_services& shard, request req, respond_fn respond);
void handle_offset_for_leader_epoch(shard_services& shard, request req, respond_fn respond);
void handle_describe_topic_partitions(shard_services& shard, request req, respond_fn respond);
void handle_create_topics(shard_services& shard, request req, respond_fn respond);
void handle_delete_topics(shard_services& shard, request req, respond_fn respond);
void handle_delete_records(shard_services& shard, request req, respond_fn respond);
void handle_describe_configs(shard_services& shard, request req, respond_fn respond);
void handle_alter_configs(shard_services& shard, request req, respond_fn respond);
void handle_create_partitions(shard_services& shard, request req, respond_fn respond);
void handle_incremental_alter_configs(shard_services& shard, request req, respond_fn respond);
void handle_describe_cluster(shard_services& shard, request req, respond_fn respond);
void handle_describe_log_dirs(shard_services& shard, request req, respond_fn respond);
void handle_describe_producers(shard_services& shard, request req, respond_fn respond);
// Consumer groups (broker/group/, docs/groups.md).
void handle_find_coordinator(shard_services& shard, request req, respond_fn respond);
void handle_join_group(shard_services& shard, request req, respond_fn respond);
void handle_sync_group(shard_services& shard, request req, respond_fn respond);
void handle_heartbeat(shard_services& shard, request req, respond_fn respond);
void handle_leave_group(shard_services& shard, request req, respond_fn respond);
void handle_offset_commit(shard_services& shard, request req, respond_fn respond);
void handle_offset_fetch(shard_services& shard, request req, respond_fn respond);
void handle_list_groups(shard_services& shard, request req, respond_fn respond);
void handle_describe_groups(shard_services& shard, request req, respond_fn respond);
void handle_delete_groups(shard_services& shard, request req, respond_fn respond);
void handle_offset_delete(shard_services& shard, request req, respond_fn respond);
// KIP-848 consumer groups (broker/consumer_group/, docs/groups.md).
void handle_consumer_group_heartbeat(shard_services& shard, request req, respond_fn respond);
void handle_consumer_group_describe(shard_services& shard, request req, respond_fn respond);
// Idempotence and transactions (broker/txn/, docs/transactions.md).
void handle_init_producer_id(shard_services& shard, request req, respond_fn respond);
void handle_add_partitions_to_txn(shard_services& shard, request req, respond_fn respond);
void handle_add_offsets_to_txn(shard_services& shard, request req, respond_fn respond);
void handle_end_txn(shard_services& shard, request req, respond_fn respond);
void handle_txn_offset_commit(shard_services& shard, request req, respond_fn respond);
void handle_write_txn_markers(shard_services& shard, request req, respond_fn respond);
void handle_describe_transactions(shard_services& shard, request req, respond_fn respond);
void handle_list_transactions(shard_services& shard, request req, respond_fn respond);

}  // namespace sluice::broker
