// DeleteShareGroupOffsets (92), v0: forgets a share group's state for whole
// topics (the group must have no members); the next member to read them
// starts where sluice.share.auto.offset.reset says. Tombstones in
// __share_group_state make the deletion survive a restart; the answer waits
// for them to be durable.
#include "protocol/messages/delete_share_group_offsets.h"

#include <spdlog/spdlog.h>

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_delete_share_group_offsets(shard_services& shard, request req, respond_fn respond) {
  using protocol::error_code;
  protocol::delete_share_group_offsets_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  auto resp = std::make_shared<protocol::delete_share_group_offsets_response>();
  auto answer = [&](error_code e, std::string message) {
    resp->error_code = e;
    if (!message.empty()) resp->error_message = std::move(message);
    respond(make_response(req, *resp));
  };
  share::coordinator* c = share::coordinator_of(shard);
  if (c == nullptr) return answer(error_code::coordinator_not_available, "");
  if (body.group_id.empty()) return answer(error_code::invalid_group_id, "");
  share::share_group* g = c->find(body.group_id);
  if (g == nullptr) {
    return answer(error_code::group_id_not_found, "Group " + body.group_id + " not found.");
  }
  auto [busy, why] = c->require_empty(body.group_id, "offsets can be deleted");
  if (busy != error_code::none) return answer(busy, std::move(why));
  std::vector<share::topic_partition> gone;
  for (const auto& topic : body.topic_names) {
    auto& t = resp->responses.emplace_back();
    t.topic_name = topic;
    if (share::is_state_topic(topic) || !shard.topics().partitions(topic)) {
      t.error_code = error_code::unknown_topic_or_partition;
      t.error_message = "Topic " + topic + " does not exist.";
      continue;
    }
    t.topic_id = shard.topics().topic_id_or_zero(topic);
    for (const auto& [tp, p] : g->partitions()) {
      if (tp.first == topic) gone.push_back(tp);
    }
  }
  c->forget(*g, gone,
            [req = std::move(req), resp, respond = std::move(respond)](std::error_code ec) {
              if (ec) {
                spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
                for (auto& t : resp->responses) {
                  if (t.error_code == error_code::none)
                    t.error_code = error_code::kafka_storage_error;
                }
              }
              respond(make_response(req, *resp));
            });
}

}  // namespace sluice::broker
