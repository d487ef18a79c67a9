#pragma once
// What OffsetCommit and TxnOffsetCommit share: which of the request's
// partitions exist, and the answer in request order (`e` for each partition
// that exists, UNKNOWN_TOPIC_OR_PARTITION for the others). Both requests and
// both responses have Kafka's topics[name, partitions[partition_index ...]] shape.

#include <vector>

#include "broker/request.h"
#include "broker/topic_table.h"
#include "protocol/error_code.h"

namespace sluice::broker {

template <class Request>
std::vector<bool> partitions_existing(shard_services& shard, const Request& body) {
  std::vector<bool> exists;
  for (const auto& t : body.topics) {
    for (const auto& p : t.partitions)
      exists.push_back(shard.topics().get(t.name, p.partition_index) != nullptr);
  }
  return exists;
}

template <class Response, class Request>
Response commit_answer(const Request& body, const std::vector<bool>& exists,
                       protocol::error_code e) {
  Response resp;
  size_t i = 0;
  for (const auto& t : body.topics) {
    auto& rt = resp.topics.emplace_back();
    rt.name = t.name;
    for (const auto& p : t.partitions) {
      rt.partitions.push_back(
          {p.partition_index, exists[i++] ? e : protocol::error_code::unknown_topic_or_partition});
    }
  }
  return resp;
}

}  // namespace sluice::broker
