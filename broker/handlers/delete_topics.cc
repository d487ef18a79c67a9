// DeleteTopics (20), v0-3: removes every partition of each topic (its
// directory and files) and its stored config overrides. Fetches waiting on a
// deleted partition are woken and answer UNKNOWN_TOPIC_OR_PARTITION
// (topic_table::delete_topic). Deletion is synchronous; timeout_ms is unused.
// Internal topics (broker/internal_topics.h) are refused with INVALID_TOPIC_EXCEPTION.
#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/delete_topics.h"

namespace sluice::broker {

void handle_delete_topics(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::delete_topics_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  protocol::delete_topics_response resp;
  for (const auto& name : body.topic_names) {
    auto& r = resp.responses.emplace_back();
    r.name = name;
    if (is_internal_topic(name)) {
      // The coordinator's offsets live there; deleting it would lose every
      // commit at the next restart.
      r.error_code = protocol::error_code::invalid_topic_exception;
      continue;
    }
    if (!shard.topics().partitions(name)) {
      r.error_code = protocol::error_code::unknown_topic_or_partition;
      continue;
    }
    if (auto ec = shard.topics().delete_topic(name)) {
      spdlog::warn("event=delete_topic_failed topic={} error=\"{}\"", name, ec.message());
      r.error_code = to_kafka_error(ec);
      continue;
    }
    spdlog::info("event=topic_deleted topic={}", name);
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
