#pragma once
// What the librdkafka bench tools (rdkafka_perf, rdkafka_latency) share:
// setting a configuration key and creating a handle. A refusal ends the tool
// with one line naming the key or the reason (exit 2 for a bad key, 1 for a
// handle librdkafka would not create), as a benchmark has nothing to fall
// back to.
#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sluice::bench {

inline void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "librdkafka setting %s=%s: %s\n", key.c_str(), value.c_str(), err);
    std::exit(2);
  }
}

// Takes `conf` (librdkafka owns it from here on).
inline rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "librdkafka client: %s\n", err);
    std::exit(1);
  }
  return rk;
}

}  // namespace sluice::bench
