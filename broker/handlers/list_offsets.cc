// ListOffsets (2), v0-10, answered as Kafka's ReplicaManager.fetchOffset and
// UnifiedLog.fetchOffsetByTimestamp do on a single replica without tiered
// storage:
//   -1 latest            for a consumer (replica_id -1) the last stable
//                        offset under read_committed (isolation_level 1,
//                        v2+), else the high watermark; the log end offset
//                        for anyone else
//   -2 earliest          the log start offset
//   -3 max timestamp     (v7+) the record with the largest timestamp
//   -4 earliest local    (v8+) the log start offset (every segment is local)
//   -5 latest tiered     (v9+) offset -1, timestamp -1, leader epoch -1: no
//                        tiered storage, so nothing is tiered
//   T >= 0               the first record whose timestamp is >= T, inside a
//                        batch too (broker/timestamp_lookup.h)
// No answer (latest aside) names an offset at or past what the asker may
// read: the LSO, the HW or the LEO as for latest (Kafka's lastFetchableOffset).
// A special timestamp below the version that introduced it, or an unknown
// negative one, is UNSUPPORTED_VERSION for that partition; a partition asked
// twice is INVALID_REQUEST. No such record: offset -1, timestamp -1, leader
// epoch -1, error NONE (v1+). current_leader_epoch (v4+) is fenced as Kafka
// does (broker/leader_epoch.h). timeout_ms (v10) only bounds tiered-storage
// reads, so every answer here is immediate. v0 answers old_style_offsets.
#include <set>
#include <utility>

#include "broker/api_table.h"
#include "broker/leader_epoch.h"
#include "broker/timestamp_lookup.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/list_offsets.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::list_offsets_request;
using protocol::list_offsets_response;

constexpr int32_t consumer_replica_id = -1;

// The first version that may ask for a special (negative) timestamp; -1 for
// one Kafka does not define.
int16_t min_version_for(int64_t timestamp) {
  switch (timestamp) {
    case protocol::list_offsets_latest_timestamp:
    case protocol::list_offsets_earliest_timestamp:
      return 0;
    case protocol::list_offsets_max_timestamp:
      return 7;
    case protocol::list_offsets_earliest_local_timestamp:
      return 8;
    case protocol::list_offsets_latest_tiered_timestamp:
      return 9;
    default:
      return -1;
  }
}

struct lookup_answer {
  error_code error = error_code::none;
  std::optional<timestamp_and_offset> found;
  int32_t leader_epoch = current_leader_epoch;
};

constexpr int8_t read_committed = 1;

// What the asker may read: a consumer up to the LSO (read_committed) or the
// high watermark, anyone else up to the LEO.
int64_t last_fetchable_offset(const log::partition_log& p, bool from_consumer,
                              int8_t isolation_level) {
  if (!from_consumer) return p.log_end_offset().value;
  return isolation_level == read_committed ? p.last_stable_offset().value
                                           : p.high_watermark().value;
}

lookup_answer look_up(const log::partition_log& p, int64_t timestamp, int64_t last_fetchable) {
  switch (timestamp) {
    case protocol::list_offsets_latest_timestamp:
      return {error_code::none, timestamp_and_offset{-1, last_fetchable}};
    case protocol::list_offsets_earliest_timestamp:
    case protocol::list_offsets_earliest_local_timestamp:
      return {error_code::none, timestamp_and_offset{-1, p.log_start_offset().value}};
    case protocol::list_offsets_latest_tiered_timestamp:
      return {error_code::none, timestamp_and_offset{-1, -1}, no_leader_epoch};
    default:
      break;
  }
  timestamp_lookup r = timestamp == protocol::list_offsets_max_timestamp
                           ? find_max_timestamp(p)
                           : find_offset_by_timestamp(p, timestamp);
  if (r.error != error_code::none) return {r.error, std::nullopt};
  if (r.found && r.found->offset >= last_fetchable) r.found.reset();
  return {error_code::none, r.found};
}

}  // namespace

void handle_list_offsets(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  list_offsets_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  std::set<std::pair<std::string_view, int32_t>> seen, duplicates;
  for (const auto& topic : body.topics)
    for (const auto& rq : topic.partitions)
      if (!seen.emplace(topic.name, rq.partition_index).second)
        duplicates.emplace(topic.name, rq.partition_index);

  const bool from_consumer = body.replica_id == consumer_replica_id;
  list_offsets_response resp;
  for (const auto& topic : body.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = topic.name;
    for (const auto& rq : topic.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = rq.partition_index;
      const int16_t min_version = min_version_for(rq.timestamp);
      if (version > 0 && duplicates.count({topic.name, rq.partition_index}) != 0) {
        pr.error_code = error_code::invalid_request;
        continue;
      }
      if (rq.timestamp < 0 && (min_version < 0 || version < min_version)) {
        pr.error_code = error_code::unsupported_version;
        continue;
      }
      log::partition_log* p = shard.topics().get(topic.name, rq.partition_index);
      if (p == nullptr) {
        pr.error_code = error_code::unknown_topic_or_partition;
        continue;
      }
      if (p->offline()) {
        pr.error_code = error_code::kafka_storage_error;
        continue;
      }
      if (auto e = check_leader_epoch(rq.current_leader_epoch); e != error_code::none) {
        pr.error_code = e;
        continue;
      }
      const lookup_answer a =
          look_up(*p, rq.timestamp, last_fetchable_offset(*p, from_consumer, body.isolation_level));
      pr.error_code = a.error;
      if (version == 0) {
        if (a.found && a.found->offset >= 0) pr.old_style_offsets.push_back(a.found->offset);
      } else if (a.found) {
        pr.offset = a.found->offset;
        pr.timestamp = a.found->timestamp;
        pr.leader_epoch = a.leader_epoch;
      }
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
