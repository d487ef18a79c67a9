#pragma once
// The response type of each request type, so connection::call<Req> can be
// typed: response_of_t<protocol::metadata_request> is
// protocol::metadata_response. One line per API the codec implements.

#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/alter_share_group_offsets.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/consumer_group_describe.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_share_group_offsets.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/describe_share_group_offsets.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_fetch.h"
#include "protocol/messages/share_group_describe.h"
#include "protocol/messages/share_group_heartbeat.h"
#include "protocol/messages/sync_group.h"
#include "protocol/messages/txn_offset_commit.h"

namespace sluice::client {

template <class Request>
struct response_of;

#define SLUICE_CLIENT_RESPONSE_OF(name)          \
  template <>                                    \
  struct response_of<protocol::name##_request> { \
    using type = protocol::name##_response;      \
  };
SLUICE_CLIENT_RESPONSE_OF(add_offsets_to_txn)
SLUICE_CLIENT_RESPONSE_OF(add_partitions_to_txn)
SLUICE_CLIENT_RESPONSE_OF(alter_configs)
SLUICE_CLIENT_RESPONSE_OF(alter_share_group_offsets)
SLUICE_CLIENT_RESPONSE_OF(api_versions)
SLUICE_CLIENT_RESPONSE_OF(create_partitions)
SLUICE_CLIENT_RESPONSE_OF(create_topics)
SLUICE_CLIENT_RESPONSE_OF(delete_groups)
SLUICE_CLIENT_RESPONSE_OF(delete_records)
SLUICE_CLIENT_RESPONSE_OF(delete_share_group_offsets)
SLUICE_CLIENT_RESPONSE_OF(delete_topics)
SLUICE_CLIENT_RESPONSE_OF(describe_configs)
SLUICE_CLIENT_RESPONSE_OF(consumer_group_describe)
SLUICE_CLIENT_RESPONSE_OF(describe_groups)
SLUICE_CLIENT_RESPONSE_OF(describe_share_group_offsets)
SLUICE_CLIENT_RESPONSE_OF(end_txn)
SLUICE_CLIENT_RESPONSE_OF(fetch)
SLUICE_CLIENT_RESPONSE_OF(find_coordinator)
SLUICE_CLIENT_RESPONSE_OF(heartbeat)
SLUICE_CLIENT_RESPONSE_OF(init_producer_id)
SLUICE_CLIENT_RESPONSE_OF(join_group)
SLUICE_CLIENT_RESPONSE_OF(leave_group)
SLUICE_CLIENT_RESPONSE_OF(list_groups)
SLUICE_CLIENT_RESPONSE_OF(list_offsets)
SLUICE_CLIENT_RESPONSE_OF(metadata)
SLUICE_CLIENT_RESPONSE_OF(offset_commit)
SLUICE_CLIENT_RESPONSE_OF(offset_delete)
SLUICE_CLIENT_RESPONSE_OF(offset_fetch)
SLUICE_CLIENT_RESPONSE_OF(produce)
SLUICE_CLIENT_RESPONSE_OF(share_acknowledge)
SLUICE_CLIENT_RESPONSE_OF(share_fetch)
SLUICE_CLIENT_RESPONSE_OF(share_group_describe)
SLUICE_CLIENT_RESPONSE_OF(share_group_heartbeat)
SLUICE_CLIENT_RESPONSE_OF(sync_group)
SLUICE_CLIENT_RESPONSE_OF(txn_offset_commit)
#undef SLUICE_CLIENT_RESPONSE_OF

template <class Request>
using response_of_t = typename response_of<Request>::type;

}  // namespace sluice::client
