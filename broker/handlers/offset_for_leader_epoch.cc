// OffsetForLeaderEpoch (23), v0-4, as Kafka's Partition.lastOffsetForLeaderEpoch
// answers it on a leader whose epoch cache holds one entry: epoch 0
// (broker/leader_epoch.h), starting at the log start offset.
//   requested epoch == 0          end_offset = log end offset, leader_epoch 0
//   requested epoch -1 (none)     end_offset -1, leader_epoch -1
//   requested epoch > 0           end_offset -1, leader_epoch -1 (no such
//                                 epoch: Kafka's UNDEFINED_EPOCH_OFFSET)
//   requested epoch < -1          the requested epoch with the start offset of
//                                 epoch 0 (the first epoch after it)
// current_leader_epoch (v2+) is fenced first: FENCED_LEADER_EPOCH if older
// than 0, UNKNOWN_LEADER_EPOCH if newer. replica_id (v3+) changes nothing:
// Kafka answers consumers (-1), followers and the debugging id (-2) from the
// leader alike.
#include "protocol/messages/offset_for_leader_epoch.h"
#include "broker/api_table.h"
#include "broker/leader_epoch.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::offset_for_leader_epoch_response;

offset_for_leader_epoch_response::epoch_end_offset end_of_epoch(const log::partition_log& p,
                                                                int32_t requested) {
  offset_for_leader_epoch_response::epoch_end_offset r;
  r.partition = 0;
  if (requested == current_leader_epoch) {
    r.leader_epoch = current_leader_epoch;
    r.end_offset = p.log_end_offset().value;
  } else if (requested < no_leader_epoch) {
    r.leader_epoch = requested;
    r.end_offset = p.log_start_offset().value;
  }
  return r;
}

}  // namespace

void handle_offset_for_leader_epoch(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::offset_for_leader_epoch_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  offset_for_leader_epoch_response resp;
  for (const auto& topic : body.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.topic = topic.topic;
    for (const auto& rq : topic.partitions) {
      offset_for_leader_epoch_response::epoch_end_offset answer;
      log::partition_log* p = shard.topics().get(topic.topic, rq.partition);
      if (p == nullptr) {
        answer.error_code = error_code::unknown_topic_or_partition;
      } else if (p->offline()) {
        answer.error_code = error_code::kafka_storage_error;
      } else if (auto e = check_leader_epoch(rq.current_leader_epoch); e != error_code::none) {
        answer.error_code = e;
      } else {
        answer = end_of_epoch(*p, rq.leader_epoch);
      }
      answer.partition = rq.partition;
      tr.partitions.push_back(answer);
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
