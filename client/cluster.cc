#include "client/cluster.h"

#include <algorithm>

#include "protocol/messages/metadata.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::error_code;

cluster::cluster(asio::any_io_executor executor, client_config config)
    : executor_(std::move(executor)), config_(std::move(config)) {}

cluster::~cluster() { close(); }

awaitable<result<void>> cluster::bootstrap() {
  auto addresses = parse_bootstrap_servers(config_.bootstrap_servers);
  if (!addresses) co_return std::move(addresses).error();
  bootstrap_ = std::move(*addresses);
  std::string tried;
  for (const auto& address : bootstrap_) {
    auto c = co_await connection::connect(executor_, address, -1, config_);
    if (!c) {
      tried += (tried.empty() ? "" : "; ") + c.error().message;
      continue;
    }
    bootstrap_connection_ = std::move(*c);
    co_return co_await load_metadata(std::nullopt);
  }
  co_return make_error(
      error_code::network_exception,
      "no bootstrap server reachable (" + config_.bootstrap_servers + "): " + tried);
}

awaitable<result<void>> cluster::refresh_metadata(std::vector<std::string> topics) {
  if (topics.empty()) co_return co_await load_metadata(std::nullopt);
  co_return co_await load_metadata(std::move(topics));
}

awaitable<result<void>> cluster::load_metadata(std::optional<std::vector<std::string>> topics,
                                               bool allow_auto_create) {
  protocol::metadata_request request;
  request.allow_auto_topic_creation = allow_auto_create;
  if (topics) {
    request.topics.emplace();
    for (auto& t : *topics) request.topics->push_back({t});
  }
  std::optional<client_error> last;
  // One retry on a fresh connection: the cached one may have just broken.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto c = co_await any_connection();
    if (!c) co_return std::move(c).error();
    auto response = co_await (*c)->call(request);
    if (!response) {
      last = std::move(response).error();
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    brokers_.clear();
    for (auto& b : response->brokers)
      brokers_[b.node_id] = broker_metadata{b.node_id, b.host, b.port, b.rack};
    cluster_id_ = response->cluster_id;
    controller_id_ = response->controller_id;
    if (!topics) topics_.clear();
    for (auto& t : response->topics) {
      // Only an answer to a lookup by id (which this client does not make)
      // has a null name.
      if (!t.name) continue;
      const std::string& name = *t.name;
      if (t.error_code != error_code::none) {
        // Keep the error so topic() can report it; forget stale partitions.
        topics_[name] = topic_metadata{name, t.error_code, t.is_internal, {}, {}};
        loaded_at_[name] = now;
        continue;
      }
      topic_metadata tm{name, error_code::none, t.is_internal, {}, t.topic_id};
      for (auto& p : t.partitions)
        tm.partitions.push_back(
            {p.partition_index, p.leader_id, p.error_code, p.replica_nodes, p.isr_nodes});
      std::ranges::sort(tm.partitions, {}, &partition_metadata::partition);
      topics_[name] = std::move(tm);
      loaded_at_[name] = now;
    }
    co_return result<void>{};
  }
  co_return *last;
}

bool cluster::fresh(const std::string& topic) const {
  auto it = loaded_at_.find(topic);
  return it != loaded_at_.end() && topics_.contains(topic) &&
         std::chrono::steady_clock::now() - it->second < config_.metadata_max_age;
}

awaitable<result<topic_metadata>> cluster::topic(std::string name) {
  co_return co_await topic(std::move(name), false);
}

awaitable<result<topic_metadata>> cluster::topic(std::string name, bool allow_auto_create) {
  if (!fresh(name) || topics_.at(name).error != error_code::none) {
    // Built before co_await: GCC 12 cannot keep an initializer list's array
    // alive across a suspension ("array used as initializer").
    std::vector<std::string> wanted;
    wanted.push_back(name);
    auto r = co_await load_metadata(std::move(wanted), allow_auto_create);
    if (!r) co_return std::move(r).error();
  }
  auto it = topics_.find(name);
  if (it == topics_.end())
    co_return make_error(error_code::unknown_topic_or_partition, "topic '" + name + "'");
  if (it->second.error != error_code::none)
    co_return make_error(it->second.error, "topic '" + name + "'");
  co_return it->second;
}

awaitable<result<int32_t>> cluster::partition_count(std::string name) {
  auto t = co_await topic(std::move(name));
  if (!t) co_return std::move(t).error();
  co_return static_cast<int32_t>(t->partitions.size());
}

awaitable<result<int32_t>> cluster::leader_for(const topic_partition& tp) {
  auto t = co_await topic(tp.topic);
  if (!t) co_return std::move(t).error();
  auto it = std::ranges::find(t->partitions, tp.partition, &partition_metadata::partition);
  if (it == t->partitions.end())
    co_return make_error(error_code::unknown_topic_or_partition,
                         "topic '" + tp.topic + "' has " + std::to_string(t->partitions.size()) +
                             " partitions, no partition " + std::to_string(tp.partition));
  if (it->leader < 0)
    co_return make_error(error_code::leader_not_available,
                         "topic '" + tp.topic + "' partition " + std::to_string(tp.partition));
  co_return it->leader;
}

awaitable<result<std::shared_ptr<connection>>> cluster::connection_for(int32_t node_id) {
  if (auto it = connections_.find(node_id); it != connections_.end() && it->second->is_open())
    co_return it->second;
  if (!brokers_.contains(node_id)) {
    if (auto r = co_await load_metadata(std::vector<std::string>{}); !r)
      co_return std::move(r).error();
  }
  auto b = brokers_.find(node_id);
  if (b == brokers_.end())
    co_return make_error(error_code::broker_not_available,
                         "node " + std::to_string(node_id) + " is not in the cluster metadata");
  broker_address address{b->second.host, static_cast<uint16_t>(b->second.port)};
  auto c = co_await connection::connect(executor_, std::move(address), node_id, config_);
  if (!c) co_return std::move(c).error();
  // Another coroutine may have connected meanwhile: keep the open one.
  if (auto it = connections_.find(node_id); it != connections_.end() && it->second->is_open()) {
    (*c)->close();
    co_return it->second;
  }
  connections_[node_id] = *c;
  co_return *c;
}

awaitable<result<std::shared_ptr<connection>>> cluster::leader_connection(
    const topic_partition& tp) {
  auto leader = co_await leader_for(tp);
  if (!leader) co_return std::move(leader).error();
  co_return co_await connection_for(*leader);
}

awaitable<result<std::shared_ptr<connection>>> cluster::any_connection() {
  for (auto& [node, c] : connections_)
    if (c->is_open()) co_return c;
  if (bootstrap_connection_ && bootstrap_connection_->is_open()) co_return bootstrap_connection_;
  std::string tried;
  std::vector<std::pair<int32_t, broker_address>> candidates;
  for (auto& [node, b] : brokers_)
    candidates.push_back({node, {b.host, static_cast<uint16_t>(b.port)}});
  if (bootstrap_.empty()) {
    auto addresses = parse_bootstrap_servers(config_.bootstrap_servers);
    if (!addresses) co_return std::move(addresses).error();
    bootstrap_ = std::move(*addresses);
  }
  for (auto& a : bootstrap_) candidates.push_back({-1, a});
  for (auto& [node, address] : candidates) {
    auto c = co_await connection::connect(executor_, address, node, config_);
    if (!c) {
      tried += (tried.empty() ? "" : "; ") + c.error().message;
      continue;
    }
    if (node >= 0)
      connections_[node] = *c;
    else
      bootstrap_connection_ = *c;
    co_return *c;
  }
  co_return make_error(error_code::network_exception, "no broker reachable: " + tried);
}

void cluster::close() {
  for (auto& [node, c] : connections_) c->close();
  connections_.clear();
  if (bootstrap_connection_) bootstrap_connection_->close();
  bootstrap_connection_.reset();
}

}  // namespace sluice::client
