#pragma once
// Everything the command line can say, as plain values: cli_tree.cc fills
// them from argv with CLI11, commands read them. Kafka's and kcat's flag names
// are kept so users need no new vocabulary (docs/cli.md lists them).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::tools {

struct common_options {
  std::string bootstrap = "127.0.0.1:9092";  // -b/--bootstrap-server
  std::string client_id = "sluice";
  int timeout_ms = 30000;        // request timeout, and how long admin commands wait
  bool bootstrap_given = false;  // -b or SLUICE_BOOTSTRAP_SERVERS (else perf props may say)
};

struct topic_options {
  std::string topic;
  int32_t partitions = -1;                  // create: -1 broker default; alter: new total
  int16_t replication_factor = -1;          // create
  std::vector<std::string> configs;         // --config k=v (create, alter)
  std::vector<std::string> delete_configs;  // --delete-config k (alter)
  bool if_not_exists = false;
  bool if_exists = false;
  bool exclude_internal = false;  // list
};

struct produce_options {
  std::string topic;
  std::optional<std::string> key_separator;  // -K: "key<sep>value" lines
  std::optional<std::string> key;            // -k/--key: one key for every record
  bool key_by_file = false;                  // --key-by-file: the --follow path is the key
  // --delivery-timeout-ms (delivery.timeout.ms): unset is Kafka's 120000,
  // and unbounded with --follow (a shipper waits out any outage).
  std::optional<int64_t> delivery_timeout_ms;
  std::vector<std::string> headers;  // -H k=v
  std::optional<int32_t> partition;  // -p
  std::string compression = "none";  // -z
  std::string acks = "all";          // -a/--acks: 0, 1, -1/all
  int linger_ms = 5;
  int batch_size = 16384;
  std::string follow;  // --follow FILE
  std::string state;   // --state FILE (default: FILE.sluice-follow)
  int poll_interval_ms = 200;
  std::string transactional_id;  // --transactional-id: each input group is one transaction
  int transaction_lines = 0;  // --transaction-lines N: lines per transaction (0: see docs/cli.md)
};

struct consume_options {
  std::vector<std::string> topics;             // -t (repeatable)
  std::vector<int32_t> partitions;             // -p (repeatable); empty: all
  std::string offset = "beginning";            // -o
  int64_t count = -1;                          // -c
  bool exit_at_end = false;                    // -e
  std::string group;                           // -G/--group
  std::string format;                          // -f
  bool json = false;                           // -J/--json
  int64_t idle_timeout_ms = -1;                // stop after this long without records
  std::string isolation = "read_uncommitted";  // --isolation read_committed|read_uncommitted
};

struct share_options {
  std::string group;                // --group
  std::vector<std::string> topics;  // -t (repeatable)
  std::string ack = "auto";         // --ack auto|manual
  int32_t max_inflight = 500;       // --max-inflight: ShareFetch MaxRecords
  int64_t count = -1;               // -c
  std::string format;               // -f
  bool json = false;                // -J/--json
  int64_t idle_timeout_ms = -1;     // stop after this long without records
};

struct group_options {
  std::string group;
  std::vector<std::string> groups;  // delete: several
  std::vector<std::string> topics;  // --topic t[:p,p]
  bool all_topics = false;
  // reset-offsets: exactly one of these
  bool to_earliest = false, to_latest = false, to_current = false;
  std::optional<int64_t> to_offset, shift_by;
  std::string to_datetime, by_duration, from_file;
  bool execute = false;
  bool dry_run = false;
  int64_t wait_timeout_ms = 60000;  // wait
  int64_t poll_interval_ms = 500;
  std::vector<std::string> set_configs;     // config: --set k=v (repeatable)
  std::vector<std::string> delete_configs;  // config: --delete k (repeatable)
};

struct offsets_options {
  std::string topic;
  std::vector<int32_t> partitions;
  std::string time = "latest";  // earliest | latest | a time (ms, -1h, ISO)
};

struct perf_options {
  std::string topic;
  int64_t num_records = 0;
  int32_t record_size = 100;
  double throughput = -1;  // records/s; -1: as fast as possible
  std::vector<std::string> producer_props;
  std::vector<std::string> consumer_props;
  std::string producer_config;  // --producer.config FILE: properties, before --producer-props
  std::string consumer_config;  // --consumer.config FILE
  bool print_metrics = false;   // --print-metrics
  std::string group;            // consume: join a group instead of assigning
  bool json = false;
  std::string report;          // --report FILE.html
  int64_t timeout_ms = 60000;  // consume/e2e: give up after this long idle
  int reporting_interval_ms = 5000;
};

// What argv asked for: the command path ("topic create") and its options.
struct cli_options {
  std::string command;
  common_options common;
  topic_options topic;
  produce_options produce;
  consume_options consume;
  share_options share;
  group_options group;
  offsets_options offsets;
  perf_options perf;
  std::string command_line;  // argv joined, for reports
};

}  // namespace sluice::tools
