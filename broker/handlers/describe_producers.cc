// DescribeProducers (61), v0 (KIP-664), answered as Kafka's
// ReplicaManager.activeProducerState does on the partition's leader: every
// producer id whose state the partition keeps (log/producer_state.h), with
// its epoch, the last sequence it wrote (-1 before its first data batch in
// that epoch), the time of its last batch, the coordinator epoch of its last
// marker and the first offset of its ongoing transaction (-1: none). A
// partition this broker does not hold is UNKNOWN_TOPIC_OR_PARTITION; one on
// a failed log directory KAFKA_STORAGE_ERROR. Expired producers
// (producer.id.expiration.ms) are already gone from the state.
#include "protocol/messages/describe_producers.h"

#include "broker/api_table.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using protocol::describe_producers_response;
using protocol::error_code;

describe_producers_response::partition_response describe(shard_services& shard,
                                                         const std::string& topic,
                                                         int32_t partition) {
  describe_producers_response::partition_response r;
  r.partition_index = partition;
  log::partition_log* p = shard.topics().get(topic, partition);
  if (p == nullptr) {
    r.error_code = error_code::unknown_topic_or_partition;
    return r;
  }
  if (p->offline()) {
    r.error_code = error_code::kafka_storage_error;
    return r;
  }
  for (const log::producer_info& info : p->active_producers()) {
    auto& s = r.active_producers.emplace_back();
    s.producer_id = info.producer_id;
    s.producer_epoch = info.epoch;
    s.last_sequence = info.last_sequence;
    s.last_timestamp = info.last_timestamp_ms;
    s.coordinator_epoch = info.coordinator_epoch;
    s.current_txn_start_offset = info.current_txn_start_offset.value;
  }
  return r;
}

}  // namespace

void handle_describe_producers(shard_services& shard, request req, respond_fn respond) {
  protocol::describe_producers_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  describe_producers_response resp;
  for (const auto& topic : body.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = topic.name;
    for (int32_t partition : topic.partition_indexes) {
      tr.partitions.push_back(describe(shard, topic.name, partition));
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
