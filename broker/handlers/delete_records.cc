// DeleteRecords (21), v0-2 (v2 flexible): moves each partition's log start
// offset up to the given offset (-1: the high watermark) and deletes the
// segments wholly below it; answers the new low watermark (log start offset). An offset above the
// high watermark is OFFSET_OUT_OF_RANGE; one at or below the log start offset
// changes nothing. The log-start checkpoint is written before answering, so
// an acknowledged deletion survives a crash. Internal topics
// (broker/internal_topics.h) answer INVALID_TOPIC_EXCEPTION, as Kafka's
// ReplicaManager does for every client: their coordinators alone move their
// log start.
#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/delete_records.h"

namespace sluice::broker {

void handle_delete_records(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::delete_records_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  protocol::delete_records_response resp;
  bool moved = false;
  for (const auto& topic : body.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = topic.name;
    for (const auto& rq : topic.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = rq.partition_index;
      pr.low_watermark = -1;
      if (is_internal_topic(topic.name)) {
        pr.error_code = protocol::error_code::invalid_topic_exception;
        continue;
      }
      log::partition_log* p = shard.topics().get(topic.name, rq.partition_index);
      if (p == nullptr) {
        pr.error_code = protocol::error_code::unknown_topic_or_partition;
        continue;
      }
      const log::offset target = rq.offset == -1 ? p->high_watermark() : log::offset{rq.offset};
      const log::offset before = p->log_start_offset();
      if (auto ec = p->delete_records_before(target)) {
        pr.error_code = to_kafka_error(ec);
        continue;
      }
      moved = moved || p->log_start_offset() != before;
      pr.low_watermark = p->log_start_offset().value;
    }
  }
  if (moved) {
    if (auto ec = shard.topics().logs().write_checkpoints()) {
      // The new start offsets hold in memory; a crash before the next
      // periodic checkpoint would bring the deleted records back.
      spdlog::warn("event=checkpoint_failed reason=delete_records error=\"{}\"", ec.message());
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
