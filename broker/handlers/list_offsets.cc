// ListOffsets (2), v0-5: -2 (earliest) is the log start offset, -1 (latest)
// the high watermark (what a consumer can read; isolation levels agree while
// there are no transactions), any other timestamp the first batch whose max
// timestamp is at or after it (batch granularity, docs/decisions.md D7). No
// such batch: offset -1 and timestamp -1, as Kafka answers (v1+).
#include <unistd.h>

#include "broker/api_table.h"
#include "broker/topic_table.h"
#include "log/record_batch.h"
#include "protocol/message.h"
#include "protocol/messages/list_offsets.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::list_offsets_response;

// The max timestamp of the batch starting at `o`, read from its header.
int64_t batch_timestamp(const log::partition_log& p, log::offset o) {
  auto r = p.read(o, 1);
  if (!r || r->slices.empty()) return -1;
  std::array<std::byte, log::batch_header_size> header{};
  const auto& s = r->slices.front();
  if (::pread(s.fd(), header.data(), header.size(), static_cast<off_t>(s.position.value)) !=
      static_cast<ssize_t>(header.size())) {
    return -1;
  }
  return log::record_batch_view(header).max_timestamp();
}

}  // namespace

void handle_list_offsets(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::list_offsets_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  list_offsets_response resp;
  for (const auto& topic : body.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = topic.name;
    for (const auto& rq : topic.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = rq.partition_index;
      log::partition_log* p = shard.topics().get(topic.name, rq.partition_index);
      if (p == nullptr) {
        pr.error_code = error_code::unknown_topic_or_partition;
        continue;
      }
      if (p->offline()) {
        pr.error_code = error_code::kafka_storage_error;
        continue;
      }
      pr.leader_epoch = 0;
      std::optional<int64_t> found;
      int64_t found_timestamp = -1;
      if (rq.timestamp == protocol::list_offsets_latest_timestamp) {
        found = p->high_watermark().value;
      } else if (rq.timestamp == protocol::list_offsets_earliest_timestamp) {
        found = p->log_start_offset().value;
      } else if (auto o = p->offset_for_timestamp(rq.timestamp)) {
        found = o->value;
        found_timestamp = batch_timestamp(*p, *o);
      }
      if (version == 0) {
        if (found) pr.old_style_offsets.push_back(*found);
      } else {
        pr.offset = found.value_or(-1);
        pr.timestamp = found_timestamp;
      }
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
