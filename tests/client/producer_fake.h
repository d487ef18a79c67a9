#pragma once
// A scripted one-broker cluster for producer tests: node 0 at the peer's own
// port with topic "t" (two partitions), serving Produce, InitProducerId,
// FindCoordinator and the transaction APIs. Every request is recorded
// (decoded) in order; the test picks the answers through small hooks.

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "client/cluster.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/txn_offset_commit.h"
#include "protocol/reader.h"
#include "tests/client/scripted_peer.h"

namespace sluice::client::test {

using frames = std::vector<std::vector<std::byte>>;

// The header fields of one produced batch, and its bytes.
struct produced_batch {
  std::string topic;
  int32_t partition = 0;
  std::optional<std::string> transactional_id;
  int16_t attributes = 0;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t base_sequence = 0;
  int32_t records = 0;
  std::vector<std::byte> bytes;
  size_t adds_before = 0;  // AddPartitionsToTxn requests seen before this Produce
};

inline produced_batch read_batch_header(std::span<const std::byte> b) {
  produced_batch out;
  out.bytes.assign(b.begin(), b.end());
  protocol::reader r(b.subspan(21));
  out.attributes = r.int16();
  r.int32();  // last_offset_delta
  r.int64();
  r.int64();  // timestamps
  out.producer_id = r.int64();
  out.producer_epoch = r.int16();
  out.base_sequence = r.int32();
  out.records = r.int32();
  return out;
}

struct producer_fake {
  explicit producer_fake(asio::io_context& io)
      : peer(io, [this](const request_seen& r) { return answer(r); }) {}

  // Hooks: the answer's error for each request (by count of that API, from 1).
  std::function<protocol::error_code(int, const produced_batch&)> produce_error =
      [](int, const produced_batch&) { return protocol::error_code::none; };
  std::function<protocol::error_code(int)> init_error = [](int) {
    return protocol::error_code::none;
  };
  std::function<protocol::error_code(int)> add_partitions_error = [](int) {
    return protocol::error_code::none;
  };
  std::function<protocol::error_code(int)> end_txn_error = [](int) {
    return protocol::error_code::none;
  };
  bool serve_init_producer_id = true;
  int16_t init_producer_id_max = 5;
  // Close the connection instead of answering the Nth Produce (0: never).
  int drop_produce = 0;

  // What the producer sent, in order.
  std::vector<produced_batch> batches;  // every batch of every Produce
  std::vector<protocol::init_producer_id_request> inits;
  std::vector<protocol::add_partitions_to_txn_request> adds;
  std::vector<protocol::add_offsets_to_txn_request> add_offsets;
  std::vector<protocol::txn_offset_commit_request> offset_commits;
  std::vector<protocol::end_txn_request> ends;
  std::vector<protocol::api_key> order;  // non-metadata requests
  std::vector<int8_t> coordinator_key_types;
  int produces = 0;
  int64_t next_producer_id = 1000;
  int16_t epoch = 0;

  client_config config() const {
    client_config c;
    c.bootstrap_servers = "127.0.0.1:" + std::to_string(peer.port());
    c.retry_backoff = std::chrono::milliseconds(10);
    return c;
  }

  frames answer(const request_seen& r) {
    using protocol::api_key;
    if (r.key == api_key::api_versions) {
      auto v = versions();
      auto add = [&](api_key k, int16_t lo, int16_t hi) {
        v.api_keys.push_back({static_cast<int16_t>(k), lo, hi});
      };
      add(api_key::produce, 3, 9);
      add(api_key::find_coordinator, 0, 6);
      if (serve_init_producer_id) add(api_key::init_producer_id, 0, init_producer_id_max);
      add(api_key::add_partitions_to_txn, 0, 5);
      add(api_key::add_offsets_to_txn, 0, 4);
      add(api_key::end_txn, 0, 4);
      add(api_key::txn_offset_commit, 0, 4);
      return {response_bytes(v, r.version, r.correlation_id)};
    }
    if (r.key == api_key::metadata) {
      protocol::metadata_response m;
      m.brokers.push_back({0, "127.0.0.1", peer.port(), std::nullopt});
      protocol::metadata_response::topic t;
      t.name = "t";
      for (int32_t i = 0; i < 2; ++i) {
        protocol::metadata_response::partition p;
        p.partition_index = i;
        p.leader_id = 0;
        t.partitions.push_back(p);
      }
      m.topics.push_back(t);
      return {response_bytes(m, r.version, r.correlation_id)};
    }
    order.push_back(r.key);
    if (r.key == api_key::find_coordinator) {
      protocol::find_coordinator_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      coordinator_key_types.push_back(req.key_type);
      protocol::find_coordinator_response resp;
      resp.node_id = 0;
      resp.host = "127.0.0.1";
      resp.port = peer.port();
      for (auto& k : req.coordinator_keys)
        resp.coordinators.push_back({k, 0, "127.0.0.1", peer.port(), {}, std::nullopt});
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    if (r.key == api_key::init_producer_id) {
      protocol::init_producer_id_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      inits.push_back(req);
      protocol::init_producer_id_response resp;
      resp.error_code = init_error(static_cast<int>(inits.size()));
      if (resp.error_code == protocol::error_code::none) {
        // A transactional id keeps its producer id and gets a new epoch;
        // an idempotent producer gets a new id each time (Kafka's broker).
        if (req.transactional_id && inits.size() > 1) {
          ++epoch;
        } else {
          ++next_producer_id;
          epoch = 0;
        }
        resp.producer_id = next_producer_id;
        resp.producer_epoch = epoch;
      }
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    if (r.key == api_key::add_partitions_to_txn) {
      protocol::add_partitions_to_txn_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      EXPECT_LE(r.version, 3) << "a producer sends AddPartitionsToTxn v3 and below";
      adds.push_back(req);
      protocol::add_partitions_to_txn_response resp;
      const auto e = add_partitions_error(static_cast<int>(adds.size()));
      for (auto& t : req.v3_and_below_topics) {
        protocol::add_partitions_to_txn_response::add_partitions_to_txn_topic_result tr;
        tr.name = t.name;
        for (int32_t p : t.partitions) tr.results_by_partition.push_back({p, e});
        resp.results_by_topic_v3_and_below.push_back(tr);
      }
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    if (r.key == api_key::add_offsets_to_txn) {
      protocol::add_offsets_to_txn_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      add_offsets.push_back(req);
      return {response_bytes(protocol::add_offsets_to_txn_response{}, r.version, r.correlation_id)};
    }
    if (r.key == api_key::txn_offset_commit) {
      protocol::txn_offset_commit_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      offset_commits.push_back(req);
      protocol::txn_offset_commit_response resp;
      for (auto& t : req.topics) {
        protocol::txn_offset_commit_response::txn_offset_commit_response_topic tr;
        tr.name = t.name;
        for (auto& p : t.partitions) tr.partitions.push_back({p.partition_index, {}});
        resp.topics.push_back(tr);
      }
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    if (r.key == api_key::end_txn) {
      protocol::end_txn_request req;
      EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
      ends.push_back(req);
      protocol::end_txn_response resp;
      resp.error_code = end_txn_error(static_cast<int>(ends.size()));
      return {response_bytes(resp, r.version, r.correlation_id)};
    }
    // Produce
    ++produces;
    protocol::produce_request req;
    EXPECT_FALSE(protocol::decode_message(r.body, r.version, req));
    protocol::produce_response resp;
    for (auto& t : req.topic_data) {
      protocol::produce_response::topic_produce_response tr;
      tr.name = t.name;
      for (auto& p : t.partition_data) {
        auto b = read_batch_header(p.records.bytes());
        b.topic = t.name;
        b.partition = p.index;
        b.transactional_id = req.transactional_id;
        b.adds_before = adds.size();
        batches.push_back(b);
        protocol::produce_response::partition_produce_response pp;
        pp.index = p.index;
        pp.error_code = produce_error(produces, b);
        pp.base_offset = 100 + static_cast<int64_t>(batches.size());
        tr.partition_responses.push_back(pp);
      }
      resp.responses.push_back(tr);
    }
    if (drop_produce == produces) {
      peer.close_after_answer = true;  // written by the broker, answer lost
      return {};
    }
    return {response_bytes(resp, r.version, r.correlation_id)};
  }

  scripted_peer peer;
};

}  // namespace sluice::client::test
