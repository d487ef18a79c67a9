// AlterShareGroupOffsets (91), v0: moves share-partition start offsets of a
// share group with no members (replay from an offset, or skip ahead). The
// in-flight state of each altered partition is dropped: every record from
// the new start offset is Available with delivery count 0. The new state
// replaces the old one once it is durable in __share_group_state, and the
// answer waits for that. An unknown group
// is created, as committing offsets creates a consumer group.
#include "protocol/messages/alter_share_group_offsets.h"

#include <spdlog/spdlog.h>

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_alter_share_group_offsets(shard_services& shard, request req, respond_fn respond) {
  using protocol::error_code;
  protocol::alter_share_group_offsets_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  auto resp = std::make_shared<protocol::alter_share_group_offsets_response>();
  auto answer = [&](error_code e, std::string message) {
    resp->error_code = e;
    if (!message.empty()) resp->error_message = std::move(message);
    respond(make_response(req, *resp));
  };
  share::coordinator* c = share::coordinator_of(shard);
  if (c == nullptr) return answer(error_code::coordinator_not_available, "");
  if (body.group_id.empty()) return answer(error_code::invalid_group_id, "");
  auto [busy, why] = c->require_empty(body.group_id, "offsets can be altered");
  if (busy != error_code::none) return answer(busy, std::move(why));
  share::share_group& g = c->get_or_create(body.group_id);
  std::vector<std::pair<share::topic_partition, share::share_partition>> fresh;
  for (const auto& rt : body.topics) {
    auto& t = resp->responses.emplace_back();
    t.topic_name = rt.topic_name;
    const bool exists =
        !share::is_state_topic(rt.topic_name) && shard.topics().partitions(rt.topic_name);
    if (exists) t.topic_id = shard.topics().topic_id_or_zero(rt.topic_name);
    for (const auto& rp : rt.partitions) {
      auto& out = t.partitions.emplace_back();
      out.partition_index = rp.partition_index;
      const log::partition_log* log =
          exists ? shard.topics().get(rt.topic_name, rp.partition_index) : nullptr;
      if (log == nullptr) {
        out.error_code = error_code::unknown_topic_or_partition;
        out.error_message = "Partition " + rt.topic_name + "-" +
                            std::to_string(rp.partition_index) + " does not exist.";
        continue;
      }
      const int64_t first = log->log_start_offset().value;
      const int64_t last = log->high_watermark().value;
      if (rp.start_offset < first || rp.start_offset > last) {
        out.error_code = error_code::offset_out_of_range;
        out.error_message = "Start offset " + std::to_string(rp.start_offset) +
                            " is outside the log, [" + std::to_string(first) + ", " +
                            std::to_string(last) + "].";
        continue;
      }
      fresh.emplace_back(share::topic_partition{rt.topic_name, rp.partition_index},
                         share::share_partition(c->settings().partition, rp.start_offset));
    }
  }
  c->reset(g, std::move(fresh),
           [req = std::move(req), resp, respond = std::move(respond)](std::error_code ec) {
             if (ec) {
               spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
               for (auto& t : resp->responses) {
                 for (auto& p : t.partitions) {
                   if (p.error_code == error_code::none)
                     p.error_code = error_code::kafka_storage_error;
                 }
               }
             }
             respond(make_response(req, *resp));
           });
}

}  // namespace sluice::broker
