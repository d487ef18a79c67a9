#pragma once
// The client's view of the cluster: brokers, topics, partitions and their
// leaders, and one connection per broker.
//
// bootstrap() connects to the first reachable bootstrap address and loads
// metadata for all topics. Metadata is cached; leader_for() and partitions()
// refresh it when it is older than metadata_max_age or lacks the topic, and
// refresh_metadata() forces a refresh (callers do so after NOT_LEADER_OR_FOLLOWER
// or UNKNOWN_TOPIC_OR_PARTITION). Topic lookups ask the broker only for the
// topics they need and do not ask it to create them (allow_auto_topic_creation
// false), so a typo in a consumer or admin call does not create a topic; the
// producer opts in (topic(name, true)), as Kafka's producer does.
//
// Connections are made on demand, kept per node id, and replaced when they
// break. The bootstrap connection is used until the metadata names nodes.
//
// Ownership and threads: a cluster owns its connections and must outlive the
// producers, consumers, admin and group members built on it. All coroutines
// run on the executor given to the constructor (single-threaded; no locks).

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/config.h"
#include "client/connection.h"
#include "client/error.h"
#include "client/record.h"
#include "protocol/types.h"

namespace sluice::client {

struct broker_metadata {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

struct partition_metadata {
  int32_t partition = 0;
  int32_t leader = -1;  // node id; -1 while leaderless
  protocol::error_code error = protocol::error_code::none;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct topic_metadata {
  std::string name;
  protocol::error_code error = protocol::error_code::none;
  bool is_internal = false;
  std::vector<partition_metadata> partitions;  // sorted by partition
  protocol::uuid topic_id{};                   // Metadata v10+; all zero from older brokers
};

class cluster {
 public:
  cluster(boost::asio::any_io_executor executor, client_config config);
  ~cluster();
  cluster(const cluster&) = delete;
  cluster& operator=(const cluster&) = delete;

  const client_config& config() const noexcept { return config_; }
  boost::asio::any_io_executor executor() const { return executor_; }

  // Connects to a bootstrap broker and loads metadata for every topic.
  // Fails with NETWORK_EXCEPTION naming each address tried, or INVALID_CONFIG
  // for a malformed bootstrap list.
  awaitable<result<void>> bootstrap();

  // Reloads metadata: for `topics`, or every topic when empty.
  awaitable<result<void>> refresh_metadata(std::vector<std::string> topics = {});

  // A topic's metadata, refreshed if missing or stale. UNKNOWN_TOPIC_OR_PARTITION
  // (or the topic's own error) when the broker does not have it.
  awaitable<result<topic_metadata>> topic(std::string name);
  // As topic(), letting a broker with auto.create.topics.enable create a
  // missing topic (what producers do, like Kafka's).
  awaitable<result<topic_metadata>> topic(std::string name, bool allow_auto_create);
  // Number of partitions of a topic (same rules as topic()).
  awaitable<result<int32_t>> partition_count(std::string name);
  // The leader's node id for one partition; LEADER_NOT_AVAILABLE when none.
  awaitable<result<int32_t>> leader_for(const topic_partition& tp);

  // The connection to a node (made or remade on demand).
  awaitable<result<std::shared_ptr<connection>>> connection_for(int32_t node_id);
  // The connection to a partition's leader.
  awaitable<result<std::shared_ptr<connection>>> leader_connection(const topic_partition& tp);
  // Any open connection, else a new one to some known broker.
  awaitable<result<std::shared_ptr<connection>>> any_connection();

  // The cached view, without refreshing.
  const std::map<int32_t, broker_metadata>& brokers() const noexcept { return brokers_; }
  const std::map<std::string, topic_metadata>& topics() const noexcept { return topics_; }
  const std::optional<std::string>& cluster_id() const noexcept { return cluster_id_; }
  int32_t controller_id() const noexcept { return controller_id_; }

  // Closes every connection (waiters fail with NETWORK_EXCEPTION).
  void close();

 private:
  awaitable<result<void>> load_metadata(std::optional<std::vector<std::string>> topics,
                                        bool allow_auto_create = false);
  bool fresh(const std::string& topic) const;

  boost::asio::any_io_executor executor_;
  client_config config_;
  std::vector<broker_address> bootstrap_;
  std::shared_ptr<connection> bootstrap_connection_;
  std::map<int32_t, std::shared_ptr<connection>> connections_;
  std::map<int32_t, broker_metadata> brokers_;
  std::map<std::string, topic_metadata> topics_;
  std::map<std::string, std::chrono::steady_clock::time_point> loaded_at_;
  std::optional<std::string> cluster_id_;
  int32_t controller_id_ = -1;
};

}  // namespace sluice::client
