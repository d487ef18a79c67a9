// librdkafka 2.15.1's admin API against a running sluice-broker, driven by
// test_rdkafka_current_admin.py:
//   - IncrementalAlterConfigs SET retention.ms on a topic: DescribeConfigs
//     then shows the value as a dynamic topic config; DELETE it: the value is
//     no longer the one set, nor dynamic. An unknown topic and an unknown key
//     are refused with the error Kafka answers.
//   - DescribeCluster (librdkafka answers it from Metadata): a cluster id,
//     one node at the bootstrap port, which is the controller.
// Prints "versions ..." (the request versions it sent). Exit code 0 when
// every check passed.
//
// Usage: rdkafka_current_admin BOOTSTRAP
#include <cstring>
#include <string>

#include "rdkafka_current.h"

namespace {

// Runs one admin call whose result arrives on `q`; returns the event (or null
// after 15 s). The caller destroys it.
rd_kafka_event_t* wait_result(rd_kafka_queue_t* q, rd_kafka_event_type_t type) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 15000);
  CHECK(ev != nullptr, "no admin result within 15 s (event type %d)", type);
  if (!ev) return nullptr;
  CHECK(rd_kafka_event_type(ev) == type, "event type %d, wanted %d", rd_kafka_event_type(ev), type);
  CHECK(rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR, "admin call failed: %s: %s",
        rd_kafka_err2name(rd_kafka_event_error(ev)), rd_kafka_event_error_string(ev));
  return ev;
}

void create_topic(rd_kafka_t* rk, rd_kafka_queue_t* q, const char* name) {
  char err[512];
  rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(name, 3, 1, err, sizeof err);
  rd_kafka_CreateTopics(rk, &t, 1, nullptr, q);
  rd_kafka_NewTopic_destroy(t);
  rd_kafka_event_t* ev = wait_result(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT);
  if (!ev) return;
  size_t n = 0;
  const rd_kafka_topic_result_t** r =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  CHECK(n == 1 && rd_kafka_topic_result_error(r[0]) == 0, "create %s: %s", name,
        n ? rd_kafka_topic_result_error_string(r[0]) : "no result");
  rd_kafka_event_destroy(ev);
}

// IncrementalAlterConfigs of one key of one topic; returns the resource's error.
rd_kafka_resp_err_t alter(rd_kafka_t* rk, rd_kafka_queue_t* q, const char* topic, const char* key,
                          rd_kafka_AlterConfigOpType_t op, const char* value) {
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
  if (rd_kafka_error_t* e = rd_kafka_ConfigResource_add_incremental_config(res, key, op, value)) {
    CHECK(false, "add_incremental_config: %s", rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
  }
  rd_kafka_IncrementalAlterConfigs(rk, &res, 1, nullptr, q);
  rd_kafka_ConfigResource_destroy(res);
  rd_kafka_event_t* ev = wait_result(q, RD_KAFKA_EVENT_INCREMENTALALTERCONFIGS_RESULT);
  if (!ev) return RD_KAFKA_RESP_ERR__TIMED_OUT;
  size_t n = 0;
  const rd_kafka_ConfigResource_t** r = rd_kafka_IncrementalAlterConfigs_result_resources(
      rd_kafka_event_IncrementalAlterConfigs_result(ev), &n);
  CHECK(n == 1, "one resource in the IncrementalAlterConfigs result, got %zu", n);
  rd_kafka_resp_err_t err = n == 1 ? rd_kafka_ConfigResource_error(r[0]) : RD_KAFKA_RESP_ERR__FAIL;
  if (err && n == 1)
    std::printf("IncrementalAlterConfigs %s %s: %s (%s)\n", topic, key, rd_kafka_err2name(err),
                rd_kafka_ConfigResource_error_string(r[0]));
  rd_kafka_event_destroy(ev);
  return err;
}

struct entry {
  bool found = false;
  std::string value;
  rd_kafka_ConfigSource_t source = RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG;
};

entry describe(rd_kafka_t* rk, rd_kafka_queue_t* q, const char* topic, const char* key) {
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
  rd_kafka_DescribeConfigs(rk, &res, 1, nullptr, q);
  rd_kafka_ConfigResource_destroy(res);
  entry out;
  rd_kafka_event_t* ev = wait_result(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT);
  if (!ev) return out;
  size_t n = 0;
  const rd_kafka_ConfigResource_t** r =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
  CHECK(n == 1 && rd_kafka_ConfigResource_error(r[0]) == 0, "describe %s: %s", topic,
        n ? rd_kafka_ConfigResource_error_string(r[0]) : "no result");
  size_t cnt = 0;
  const rd_kafka_ConfigEntry_t** entries =
      n ? rd_kafka_ConfigResource_configs(r[0], &cnt) : nullptr;
  for (size_t i = 0; i < cnt; ++i) {
    if (std::strcmp(rd_kafka_ConfigEntry_name(entries[i]), key) != 0) continue;
    out.found = true;
    const char* v = rd_kafka_ConfigEntry_value(entries[i]);
    out.value = v ? v : "";
    out.source = rd_kafka_ConfigEntry_source(entries[i]);
  }
  rd_kafka_event_destroy(ev);
  return out;
}

void configs(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  const char* topic = "configured";
  create_topic(rk, q, topic);
  entry before = describe(rk, q, topic, "retention.ms");
  CHECK(before.found, "DescribeConfigs lists retention.ms");
  CHECK(before.value != "3600000", "retention.ms is not already 3600000");

  CHECK(alter(rk, q, topic, "retention.ms", RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, "3600000") == 0,
        "IncrementalAlterConfigs SET retention.ms");
  entry set_entry = describe(rk, q, topic, "retention.ms");
  CHECK(set_entry.value == "3600000", "retention.ms after SET: '%s'", set_entry.value.c_str());
  CHECK(set_entry.source == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG,
        "retention.ms after SET is a dynamic topic config: %s",
        rd_kafka_ConfigSource_name(set_entry.source));
  std::printf("SET retention.ms: %s (%s)\n", set_entry.value.c_str(),
              rd_kafka_ConfigSource_name(set_entry.source));

  CHECK(alter(rk, q, topic, "retention.ms", RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE, nullptr) == 0,
        "IncrementalAlterConfigs DELETE retention.ms");
  entry deleted = describe(rk, q, topic, "retention.ms");
  CHECK(deleted.found && deleted.value == before.value,
        "retention.ms after DELETE is back to '%s': '%s'", before.value.c_str(),
        deleted.value.c_str());
  CHECK(deleted.source != RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG,
        "retention.ms after DELETE is not a topic override: %s",
        rd_kafka_ConfigSource_name(deleted.source));
  std::printf("DELETE retention.ms: %s (%s)\n", deleted.value.c_str(),
              rd_kafka_ConfigSource_name(deleted.source));

  rd_kafka_resp_err_t e =
      alter(rk, q, "no-such-topic", "retention.ms", RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, "1000");
  CHECK(e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "unknown topic: %s", rd_kafka_err2name(e));
  e = alter(rk, q, topic, "no.such.key", RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, "1");
  CHECK(e == RD_KAFKA_RESP_ERR_INVALID_CONFIG, "unknown key: %s", rd_kafka_err2name(e));
}

void cluster(rd_kafka_t* rk, rd_kafka_queue_t* q, int port) {
  rd_kafka_DescribeCluster(rk, nullptr, q);
  rd_kafka_event_t* ev = wait_result(q, RD_KAFKA_EVENT_DESCRIBECLUSTER_RESULT);
  if (!ev) return;
  const rd_kafka_DescribeCluster_result_t* r = rd_kafka_event_DescribeCluster_result(ev);
  const char* id = rd_kafka_DescribeCluster_result_cluster_id(r);
  size_t n = 0;
  const rd_kafka_Node_t** nodes = rd_kafka_DescribeCluster_result_nodes(r, &n);
  const rd_kafka_Node_t* controller = rd_kafka_DescribeCluster_result_controller(r);
  CHECK(id && *id, "a cluster id");
  CHECK(n == 1, "one node, got %zu", n);
  CHECK(n < 1 || rd_kafka_Node_port(nodes[0]) == port, "the node is at port %d: %d", port,
        n ? rd_kafka_Node_port(nodes[0]) : -1);
  CHECK(controller && n == 1 && rd_kafka_Node_id(controller) == rd_kafka_Node_id(nodes[0]),
        "the node is the controller");
  std::printf("cluster %s: %zu node(s), controller %d\n", id ? id : "(null)", n,
              controller ? rd_kafka_Node_id(controller) : -1);
  rd_kafka_event_destroy(ev);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || !std::strchr(argv[1], ':')) {
    std::fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
    return 2;
  }
  rdkafka_current::require_version();
  rdkafka_current::versions versions;
  rd_kafka_conf_t* conf = rdkafka_current::base_conf(argv[1]);
  versions.attach(conf);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "FAIL: rd_kafka_new: %s\n", err);
    return 2;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  configs(rk, q);
  cluster(rk, q, std::atoi(std::strrchr(argv[1], ':') + 1));
  versions.print();
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  if (rdkafka_current::failures) {
    std::fprintf(stderr, "%d check(s) failed\n", rdkafka_current::failures);
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
