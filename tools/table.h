#pragma once
// The text the admin commands print, in the shapes kafka-topics.sh and
// kafka-consumer-groups.sh print, so scripts written for those keep working.
// Pure functions over plain structs: the commands fill them from the client.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::tools {

struct partition_description {
  int32_t partition = 0;
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct topic_description {
  std::string name;
  std::string topic_id;  // as Kafka prints it (base64url), or empty
  int replication_factor = 0;
  std::vector<std::pair<std::string, std::string>> configs;  // non-default only
  std::vector<partition_description> partitions;
};

// "Topic: t\tTopicId: ..\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: a=b,c=d\n"
// then "\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n" per partition.
std::string describe_topic_text(const topic_description& t);

// One row of `group describe`: a partition the group has an offset for or is
// assigned; the member columns are "-" when nobody holds it.
struct group_offset_row {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  std::optional<int64_t> current_offset;
  std::optional<int64_t> log_end_offset;
  std::string consumer_id;
  std::string host;
  std::string client_id;
};

// GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
std::string group_offsets_table(const std::vector<group_offset_row>& rows);

// GROUP TOPIC PARTITION NEW-OFFSET
struct plan_row {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  int64_t new_offset = 0;
};
std::string reset_plan_table(const std::vector<plan_row>& rows);

// Left-aligned columns, each as wide as its widest cell, one space apart (as
// kafka-consumer-groups.sh pads them).
std::string format_columns(const std::vector<std::string>& header,
                           const std::vector<std::vector<std::string>>& rows);

}  // namespace sluice::tools
