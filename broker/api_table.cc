#include "broker/api_table.h"

#include <array>

#include "broker/share/handlers.h"

namespace sluice::broker {
namespace {

using protocol::api_key;

constexpr std::array kTable = {
    api_entry{api_key::produce, 0, 12, &handle_produce},
    api_entry{api_key::fetch, 4, 17, &handle_fetch},
    api_entry{api_key::list_offsets, 0, 10, &handle_list_offsets},
    // KIP-320 truncation checks; KIP-966 paged topic descriptions. Neither is
    // sent by librdkafka 2.0.2, kafka-python 2.0.2 or kafkajs 2.2.4.
    api_entry{api_key::offset_for_leader_epoch, 0, 4, &handle_offset_for_leader_epoch},
    api_entry{api_key::describe_topic_partitions, 0, 0, &handle_describe_topic_partitions},
    api_entry{api_key::metadata, 0, 12, &handle_metadata},
    api_entry{api_key::api_versions, 0, 4, &handle_api_versions},
    api_entry{api_key::create_topics, 0, 7, &handle_create_topics},
    api_entry{api_key::delete_topics, 0, 6, &handle_delete_topics},
    api_entry{api_key::delete_records, 0, 2, &handle_delete_records},
    api_entry{api_key::describe_configs, 0, 4, &handle_describe_configs},
    api_entry{api_key::alter_configs, 0, 2, &handle_alter_configs},
    api_entry{api_key::incremental_alter_configs, 0, 1, &handle_incremental_alter_configs},
    api_entry{api_key::create_partitions, 0, 3, &handle_create_partitions},
    api_entry{api_key::describe_cluster, 0, 1, &handle_describe_cluster},
    api_entry{api_key::describe_log_dirs, 0, 4, &handle_describe_log_dirs},
    api_entry{api_key::describe_producers, 0, 0, &handle_describe_producers},
    // FindCoordinator's min must be 0: librdkafka 2.0.2 (G2).
    api_entry{api_key::find_coordinator, 0, 6, &handle_find_coordinator},
    api_entry{api_key::join_group, 0, 9, &handle_join_group},
    api_entry{api_key::sync_group, 0, 5, &handle_sync_group},
    api_entry{api_key::heartbeat, 0, 4, &handle_heartbeat},
    api_entry{api_key::leave_group, 0, 5, &handle_leave_group},
    // OffsetCommit/OffsetFetch from v0: Sarama 1.22's defaults commit with v1.
    api_entry{api_key::offset_commit, 0, 9, &handle_offset_commit},
    api_entry{api_key::offset_fetch, 0, 9, &handle_offset_fetch},
    api_entry{api_key::list_groups, 0, 5, &handle_list_groups},
    api_entry{api_key::describe_groups, 0, 5, &handle_describe_groups},
    api_entry{api_key::delete_groups, 0, 2, &handle_delete_groups},
    api_entry{api_key::offset_delete, 0, 0, &handle_offset_delete},
    // KIP-848 consumer groups (docs/groups.md "Consumer-protocol groups").
    // Clients ignore them unless configured with group.protocol=consumer.
    api_entry{api_key::consumer_group_heartbeat, 0, 1, &handle_consumer_group_heartbeat},
    api_entry{api_key::consumer_group_describe, 0, 1, &handle_consumer_group_describe},
    // Idempotence and transactions (docs/transactions.md). InitProducerId's
    // min must be 0: librdkafka 2.0.2 enables idempotence only then (G2).
    // EndTxn v5 (transactions V2) is unstable in Kafka's specs: not advertised.
    api_entry{api_key::init_producer_id, 0, 5, &handle_init_producer_id},
    api_entry{api_key::add_partitions_to_txn, 0, 5, &handle_add_partitions_to_txn},
    api_entry{api_key::add_offsets_to_txn, 0, 4, &handle_add_offsets_to_txn},
    api_entry{api_key::end_txn, 0, 5, &handle_end_txn},
    api_entry{api_key::write_txn_markers, 0, 1, &handle_write_txn_markers},
    api_entry{api_key::txn_offset_commit, 0, 5, &handle_txn_offset_commit},
    api_entry{api_key::describe_transactions, 0, 0, &handle_describe_transactions},
    api_entry{api_key::list_transactions, 0, 1, &handle_list_transactions},
    // Share groups (KIP-932, docs/share-groups.md): flexible only. Advertised
    // because librdkafka 2.0.2, kafka-python and kafkajs ignore keys they do
    // not know (PROTOCOL.md section 2 listed them "do not advertise" until served).
    api_entry{api_key::share_group_heartbeat, 1, 1, &handle_share_group_heartbeat},
    api_entry{api_key::share_group_describe, 1, 1, &handle_share_group_describe},
    api_entry{api_key::share_fetch, 1, 2, &handle_share_fetch},
    api_entry{api_key::share_acknowledge, 1, 2, &handle_share_acknowledge},
    api_entry{api_key::describe_share_group_offsets, 0, 1, &handle_describe_share_group_offsets},
    api_entry{api_key::alter_share_group_offsets, 0, 0, &handle_alter_share_group_offsets},
    api_entry{api_key::delete_share_group_offsets, 0, 0, &handle_delete_share_group_offsets},
};

}  // namespace

std::span<const api_entry> api_table() noexcept { return kTable; }

const api_entry* find_api_entry(protocol::api_key key) noexcept {
  for (const api_entry& e : kTable) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

protocol::api_versions_response make_api_versions_response() {
  protocol::api_versions_response r;
  for (const api_entry& e : kTable) {
    r.api_keys.push_back({static_cast<int16_t>(e.key), e.min_version, e.max_version});
  }
  return r;
}

}  // namespace sluice::broker
