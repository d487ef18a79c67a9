// Shared by the programs built against librdkafka 2.15.1 (scripts/build-test-clients.sh
// builds it; tests/integration/CMakeLists.txt compiles these only when it exists):
// checks that count failures, configuration that fails loudly, and a guard that
// the library loaded at run time is the one compiled against (Debian's
// librdkafka 2.0.2 has the same soname, so a lost rpath would swap it in).
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

static_assert(RD_KAFKA_VERSION == 0x020f01ff, "built against librdkafka 2.15.1's rdkafka.h");

namespace rdkafka_current {

inline int failures = 0;

#define CHECK(cond, ...)                                          \
  do {                                                            \
    if (!(cond)) {                                                \
      if (++::rdkafka_current::failures <= 30) {                  \
        std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
        std::fprintf(stderr, __VA_ARGS__);                        \
        std::fprintf(stderr, "\n");                               \
      }                                                           \
    }                                                             \
  } while (0)

// Exits unless the loaded library is 2.15.1.
inline void require_version() {
  if (rd_kafka_version() != RD_KAFKA_VERSION) {
    std::fprintf(stderr, "FAIL: loaded librdkafka %s, compiled against 2.15.1\n",
                 rd_kafka_version_str());
    std::exit(2);
  }
}

inline void set(rd_kafka_conf_t* conf, const char* key, const char* value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "FAIL: config %s=%s: %s\n", key, value, err);
    std::exit(2);
  }
}

inline rd_kafka_conf_t* base_conf(const char* bootstrap) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "socket.timeout.ms", "10000");
  return conf;
}

// The highest version of each request the client sent, read from its
// debug=protocol log ("Sent ProduceRequest (v10, ..."). Other log lines at
// warning level or worse go to stderr so a failing run says why.
struct versions {
  std::mutex mu;
  std::map<std::string, int> highest;

  static void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* line) {
    auto* self = static_cast<versions*>(rd_kafka_opaque(rk));
    const char* sent = std::strstr(line, "Sent ");
    const char* req = sent ? std::strstr(sent, "Request (v") : nullptr;
    if (self && req) {
      std::string name(sent + 5, req);
      int v = std::atoi(req + 10);
      std::lock_guard<std::mutex> lock(self->mu);
      auto [it, fresh] = self->highest.emplace(name, v);
      if (!fresh && v > it->second) it->second = v;
      return;
    }
    if (level <= 4) std::fprintf(stderr, "rdkafka %s: %s\n", fac, line);
  }

  // Makes the handle created from `conf` report into this table.
  void attach(rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_log_cb(conf, on_log);
    set(conf, "debug", "protocol");
  }

  // "versions Produce=10 Fetch=16 ..." on stdout, for the driving script.
  void print() {
    std::lock_guard<std::mutex> lock(mu);
    std::printf("versions");
    for (auto& [name, v] : highest) std::printf(" %s=%d", name.c_str(), v);
    std::printf("\n");
    std::fflush(stdout);
  }
};

}  // namespace rdkafka_current
