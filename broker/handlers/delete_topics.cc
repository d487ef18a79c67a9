// DeleteTopics (20), v0-6: removes every partition of each topic (its
// directory and files), its stored config overrides and its id. Fetches
// waiting on a deleted partition are woken and answer
// UNKNOWN_TOPIC_OR_PARTITION (topic_table::delete_topic). Deletion is
// synchronous; timeout_ms is unused. Internal topics
// (broker/internal_topics.h) are refused with TOPIC_AUTHORIZATION_FAILED, as
// a Kafka cluster answers a client that is not a super user.
// Groups' committed offsets and share state of a deleted topic are then
// tombstoned (broker/topic_deletion.h). A name or id given twice deletes
// nothing and answers INVALID_REQUEST for each copy.
//
// v6 names each topic by name or by id, as Kafka's controller reads it: an
// id nobody has is UNKNOWN_TOPIC_ID (the answer's name is then null), a name
// nobody has UNKNOWN_TOPIC_OR_PARTITION, both or neither INVALID_REQUEST.
// v6 answers carry the topic's id; v5+ an error message.
#include <spdlog/spdlog.h>

#include <array>
#include <map>
#include <string_view>

#include "broker/api_table.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/topic_deletion.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/delete_topics.h"

namespace sluice::broker {
namespace {

using protocol::delete_topics_request;
using protocol::delete_topics_response;
using protocol::error_code;

void delete_one(shard_services& shard, const std::string& name,
                delete_topics_response::deletable_topic_result& r) {
  auto fail = [&](error_code code, std::string message) {
    r.error_code = code;
    r.error_message = std::move(message);
  };
  r.name = name;
  if (is_internal_topic(name)) {
    // The coordinator's offsets live there; deleting it would lose every
    // commit at the next restart.
    r.topic_id = shard.topics().topic_id_or_zero(name);
    return fail(error_code::topic_authorization_failed, internal_topic_refusal(name));
  }
  if (!shard.topics().partitions(name)) {
    return fail(error_code::unknown_topic_or_partition, "unknown topic '" + name + "'");
  }
  r.topic_id = shard.topics().topic_id_or_zero(name);
  if (auto ec = shard.topics().delete_topic(name)) {
    spdlog::warn("event=delete_topic_failed topic={} error=\"{}\"", name, ec.message());
    return fail(to_kafka_error(ec), ec.message());
  }
  spdlog::info("event=topic_deleted topic={}", name);
  forget_deleted_topic(shard, name);
}

}  // namespace

void handle_delete_topics(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  delete_topics_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  delete_topics_response resp;
  // A name or id given twice deletes nothing and answers INVALID_REQUEST for
  // every copy, as Kafka's controller does.
  std::map<std::string_view, int> names;
  std::map<std::array<std::byte, 16>, int> ids;
  for (const auto& n : body.topic_names) ++names[n];
  for (const auto& t : body.topics) {
    if (t.name) ++names[*t.name];
    if (t.topic_id != protocol::uuid{}) ++ids[t.topic_id.bytes];
  }
  auto duplicate = [&](delete_topics_response::deletable_topic_result& r) {
    r.error_code = error_code::invalid_request;
    r.error_message = "the topic is named more than once in the request";
  };
  if (version < 6) {
    for (const auto& name : body.topic_names) {
      auto& r = resp.responses.emplace_back();
      if (names[name] > 1) {
        r.name = name;
        duplicate(r);
        continue;
      }
      delete_one(shard, name, r);
    }
    return respond(make_response(req, resp));
  }
  for (const auto& t : body.topics) {
    auto& r = resp.responses.emplace_back();
    const bool by_id = t.topic_id != protocol::uuid{};
    if ((t.name && names[*t.name] > 1) || (by_id && ids[t.topic_id.bytes] > 1)) {
      r.name = t.name;
      r.topic_id = t.topic_id;
      duplicate(r);
    } else if (t.name && by_id) {
      r.name = t.name;
      r.topic_id = t.topic_id;
      r.error_code = error_code::invalid_request;
      r.error_message = "give a topic name or a topic id, not both";
    } else if (t.name) {
      delete_one(shard, *t.name, r);
    } else if (!by_id) {
      r.error_code = error_code::invalid_request;
      r.error_message = "neither a topic name nor a topic id was given";
    } else if (const std::string* name = shard.topics().topic_name(t.topic_id)) {
      delete_one(shard, std::string(*name), r);
    } else {
      r.topic_id = t.topic_id;
      r.error_code = error_code::unknown_topic_id;
      r.error_message = "no topic has this id";
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
