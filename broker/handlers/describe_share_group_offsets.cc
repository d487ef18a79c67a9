// DescribeShareGroupOffsets (90), v0-1: each share partition's start offset
// and, from v1, its lag (records up to the high watermark not yet
// Acknowledged or Archived). A partition the group has no state for answers
// start offset -1, as Kafka does; a null topic list means every partition
// the group has state for. Sluice also sends the share-partition end offset
// and the records acquired right now, as tagged fields
// (protocol/messages/describe_share_group_offsets.h).
#include "protocol/messages/describe_share_group_offsets.h"

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using offsets_response = protocol::describe_share_group_offsets_response;

offsets_response::response_partition describe_partition(shard_services& shard,
                                                        share::share_group& g,
                                                        const std::string& topic, int32_t index,
                                                        int64_t now) {
  offsets_response::response_partition out;
  out.partition_index = index;
  const log::partition_log* log = shard.topics().get(topic, index);
  if (log == nullptr) {
    out.error_code = error_code::unknown_topic_or_partition;
    out.error_message = "Partition " + topic + "-" + std::to_string(index) + " does not exist.";
    return out;
  }
  out.leader_epoch = 0;
  share::share_partition* p = g.find_partition({topic, index});
  if (p == nullptr) return out;  // no state yet: start offset and lag -1
  p->advance_log_start(log->log_start_offset().value);
  out.start_offset = p->start_offset();
  out.lag = p->lag(log->high_watermark().value);
  out.end_offset = p->end_offset();
  out.acquired_records = p->acquired_count(now);
  return out;
}

}  // namespace

void handle_describe_share_group_offsets(shard_services& shard, request req, respond_fn respond) {
  protocol::describe_share_group_offsets_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  offsets_response resp;
  share::coordinator* c = share::coordinator_of(shard);
  const int64_t now = shard.clock().wall_clock_ms();
  for (const auto& rg : body.groups) {
    auto& out = resp.groups.emplace_back();
    out.group_id = rg.group_id;
    if (c == nullptr) {
      out.error_code = error_code::coordinator_not_available;
      continue;
    }
    if (rg.group_id.empty()) {
      out.error_code = error_code::invalid_group_id;
      continue;
    }
    share::share_group* g = c->find(rg.group_id);
    if (g == nullptr) {
      out.error_code = error_code::group_id_not_found;
      out.error_message = "Group " + rg.group_id + " not found.";
      continue;
    }
    if (!rg.topics) {
      for (const auto& [tp, p] : g->partitions()) {
        if (out.topics.empty() || out.topics.back().topic_name != tp.first) {
          auto& t = out.topics.emplace_back();
          t.topic_name = tp.first;
          t.topic_id = shard.topics().topic_id_or_zero(tp.first);
        }
        out.topics.back().partitions.push_back(
            describe_partition(shard, *g, tp.first, tp.second, now));
      }
      continue;
    }
    for (const auto& rt : *rg.topics) {
      auto& t = out.topics.emplace_back();
      t.topic_name = rt.topic_name;
      const bool exists = shard.topics().partitions(rt.topic_name).has_value();
      if (exists) t.topic_id = shard.topics().topic_id_or_zero(rt.topic_name);
      for (int32_t index : rt.partitions) {
        if (!exists) {
          // Kafka treats an unknown topic as absent data, not an error.
          t.partitions.emplace_back().partition_index = index;
          continue;
        }
        t.partitions.push_back(describe_partition(shard, *g, rt.topic_name, index, now));
      }
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
