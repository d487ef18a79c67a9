// WriteTxnMarkers (27), v0-1: appends commit or abort markers for producers'
// transactions. In Kafka only a transaction coordinator sends it, to the
// partition leaders; here the coordinator runs in the same process and calls
// the same write_marker directly (broker/txn/markers.h), so this API serves
// tools and tests that end a transaction by hand (a hanging one). Each
// partition answers its own result: UNKNOWN_TOPIC_OR_PARTITION, or the log's
// verdict (INVALID_PRODUCER_EPOCH for an older epoch,
// TRANSACTION_COORDINATOR_FENCED for an older coordinator epoch), once durable.
#include <memory>

#include "broker/api_table.h"
#include "broker/error_mapping.h"
#include "broker/txn/markers.h"
#include "log/errors.h"
#include "protocol/message.h"
#include "protocol/messages/write_txn_markers.h"

namespace sluice::broker {

void handle_write_txn_markers(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::write_txn_markers_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  auto resp = std::make_shared<protocol::write_txn_markers_response>();
  auto left = std::make_shared<size_t>(1);
  auto shared = std::make_shared<request>(std::move(req));
  auto finish = [shared, respond, resp, left] {
    if (--*left == 0) respond(make_response(*shared, *resp));
  };
  // Slots are sized before any write starts: callbacks index into them.
  resp->markers.resize(body.markers.size());
  for (size_t m = 0; m < body.markers.size(); ++m) {
    const auto& mk = body.markers[m];
    resp->markers[m].producer_id = mk.producer_id;
    resp->markers[m].topics.resize(mk.topics.size());
    for (size_t t = 0; t < mk.topics.size(); ++t) {
      resp->markers[m].topics[t].name = mk.topics[t].name;
      resp->markers[m].topics[t].partitions.resize(mk.topics[t].partition_indexes.size());
    }
  }
  for (size_t m = 0; m < body.markers.size(); ++m) {
    const auto& mk = body.markers[m];
    const txn::marker marker{mk.producer_id, mk.producer_epoch, mk.transaction_result,
                             mk.coordinator_epoch};
    for (size_t t = 0; t < mk.topics.size(); ++t) {
      for (size_t p = 0; p < mk.topics[t].partition_indexes.size(); ++p) {
        const int32_t index = mk.topics[t].partition_indexes[p];
        resp->markers[m].topics[t].partitions[p].partition_index = index;
        ++*left;
        txn::write_marker(shard, mk.topics[t].name, index, marker,
                          [resp, m, t, p, finish](std::error_code ec) {
                            auto& r = resp->markers[m].topics[t].partitions[p];
                            if (ec == log::errc::not_found) {
                              r.error_code = protocol::error_code::unknown_topic_or_partition;
                            } else if (ec) {
                              r.error_code = to_kafka_error(ec);
                            }
                            finish();
                          });
      }
    }
  }
  finish();
}

}  // namespace sluice::broker
