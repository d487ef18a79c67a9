#pragma once
// Settings shared by every part of the client: where the cluster is, who we
// are, and how long to wait and retry. Kafka's property names are given for
// each field so CLI flags and docs can use them.
//
// Values only; parse_bootstrap_servers is a pure function.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/error.h"

namespace sluice::client {

struct client_config {
  // bootstrap.servers: "host:port[,host:port...]"; any one of them is enough.
  std::string bootstrap_servers = "127.0.0.1:9092";
  // client.id: sent in every request header; brokers log and meter by it.
  std::string client_id = "sluice";
  // request.timeout.ms: how long one request may wait for its answer. A
  // request that runs out closes its connection (its answer can no longer be
  // matched reliably), failing the others in flight with NETWORK_EXCEPTION.
  std::chrono::milliseconds request_timeout{30000};
  // socket.connection.setup.timeout.ms: TCP connect + ApiVersions.
  std::chrono::milliseconds connect_timeout{10000};
  // metadata.max.age.ms: cached metadata older than this is refreshed.
  std::chrono::milliseconds metadata_max_age{300000};
  // retry.backoff.ms: pause before the first retry of a retriable failure;
  // each further retry of the same operation doubles it (KIP-580), up to
  // retry.backoff.max.ms, with +-20% jitter so that clients cut off together
  // do not come back in step.
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds retry_backoff_max{1000};
  // retries: how many times a retriable failure is retried (0: never).
  int retries = 5;
  // The largest response frame accepted from a broker (bytes after the size
  // prefix). Larger ones close the connection before any allocation.
  int32_t max_response_bytes = 256 << 20;
};

// Has a constructor (not an aggregate): see topic_partition in record.h.
struct broker_address {
  broker_address() = default;
  broker_address(std::string h, uint16_t p) : host(std::move(h)), port(p) {}
  std::string host;
  uint16_t port = 0;
  friend bool operator==(const broker_address&, const broker_address&) = default;
};

// The pause before retry number `attempt` (1 for the first retry):
// base * 2^(attempt-1), at most `max`, jittered by +-20% (KIP-580, as Kafka's
// clients). The one back-off rule of the library.
std::chrono::milliseconds retry_backoff_for(int attempt, std::chrono::milliseconds base,
                                            std::chrono::milliseconds max);

// Splits "host:port,host:port" (spaces around entries ignored; "[::1]:9092"
// for IPv6; a missing port means 9092). Empty input, an empty entry or a bad
// port is INVALID_CONFIG.
result<std::vector<broker_address>> parse_bootstrap_servers(std::string_view servers);

}  // namespace sluice::client
