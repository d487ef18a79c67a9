#pragma once
// The share-group handlers (KIP-932), one file each under
// broker/handlers/share_*.cc, registered in broker/api_table.cc.

#include "broker/request.h"

namespace sluice::broker {

void handle_share_group_heartbeat(shard_services& shard, request req, respond_fn respond);
void handle_share_group_describe(shard_services& shard, request req, respond_fn respond);
void handle_share_fetch(shard_services& shard, request req, respond_fn respond);
void handle_share_acknowledge(shard_services& shard, request req, respond_fn respond);
void handle_describe_share_group_offsets(shard_services& shard, request req, respond_fn respond);
void handle_alter_share_group_offsets(shard_services& shard, request req, respond_fn respond);
void handle_delete_share_group_offsets(shard_services& shard, request req, respond_fn respond);

}  // namespace sluice::broker
