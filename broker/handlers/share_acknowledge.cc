// ShareAcknowledge (79), v1-2: applies acknowledgement batches without
// fetching, and answers once the new states are durable (an fdatasync of
// __share_group_state), so an ACCEPTed record is never delivered again, even
// after a crash. v2 allows RENEW and reports the lock duration.
#include "protocol/messages/share_acknowledge.h"

#include <spdlog/spdlog.h>

#include "broker/share/handlers.h"
#include "broker/share/requests.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_share_acknowledge(shard_services& shard, request req, respond_fn respond) {
  using protocol::error_code;
  protocol::share_acknowledge_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  auto resp = std::make_shared<protocol::share_acknowledge_response>();
  share::coordinator* c = share::coordinator_of(shard);
  auto answer = [&](error_code e, std::string message) {
    resp->error_code = e;
    if (!message.empty()) resp->error_message = std::move(message);
    respond(make_response(req, *resp));
  };
  if (c == nullptr) return answer(error_code::coordinator_not_available, "");
  if (!body.group_id || body.group_id->empty() || !body.member_id || body.member_id->empty()) {
    return answer(error_code::invalid_request, "GroupId and MemberId are required.");
  }
  const int64_t now = share::wall_clock_ms();
  share::share_group& g = c->get_or_create(*body.group_id);
  c->expire_members(g, now);
  const error_code session = share::advance_session(g, *body.member_id, body.share_session_epoch,
                                                    false, req.connection_id);
  if (session != error_code::none) return answer(session, "");
  std::vector<share::partition_acks> acks;
  for (const auto& t : body.topics) {
    for (const auto& p : t.partitions) {
      acks.push_back({t.topic_id, p.partition_index, &p.acknowledgement_batches});
    }
  }
  auto outcome =
      share::apply_acknowledgements(*c, g, *body.member_id, acks, req.header.api_version >= 2, now);
  if (body.share_session_epoch == -1) share::close_session(g, *body.member_id, now);
  if (req.header.api_version >= 2) {
    resp->acquisition_lock_timeout_ms =
        static_cast<int32_t>(c->settings_for(g.id()).partition.lock_duration_ms);
  }
  for (const auto& [key, e] : outcome.errors) {
    const protocol::uuid id = share::uuid_of(key);
    if (resp->responses.empty() || !(resp->responses.back().topic_id == id)) {
      resp->responses.emplace_back().topic_id = id;
    }
    auto& pd = resp->responses.back().partitions.emplace_back();
    pd.partition_index = key.second;
    pd.error_code = e;
  }
  c->persist(g, outcome.touched,
             [req = std::move(req), resp, respond = std::move(respond)](std::error_code ec) {
               if (ec) {
                 spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
                 for (auto& t : resp->responses) {
                   for (auto& p : t.partitions) {
                     if (p.error_code == error_code::none) {
                       p.error_code = error_code::kafka_storage_error;
                     }
                   }
                 }
               }
               respond(make_response(req, *resp));
             });
}

}  // namespace sluice::broker
