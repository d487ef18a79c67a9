#include "tools/table.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

TEST(table, topic_describe_is_kafka_topics_shaped) {
  topic_description t{"orders",
                      "AAAAAAAAAAAAAAAAAAAAAQ",
                      1,
                      {{"retention.ms", "1000"}},
                      {{0, 1, {1}, {1}}, {1, 1, {1}, {1}}}};
  EXPECT_EQ(
      describe_topic_text(t),
      "Topic: orders\tTopicId: AAAAAAAAAAAAAAAAAAAAAQ\tPartitionCount: 2\tReplicationFactor: 1\t"
      "Configs: retention.ms=1000\n"
      "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n"
      "\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\n");
}

TEST(table, group_rows_show_lag_and_dashes_for_missing_values) {
  std::vector<group_offset_row> rows{{"g", "t", 0, 5, 12, "m-1", "/127.0.0.1", "c"},
                                     {"g", "t", 1, std::nullopt, 3, "", "", ""}};
  EXPECT_EQ(
      group_offsets_table(rows),
      "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST       CLIENT-ID\n"
      "g     t     0         5              12             7   m-1         /127.0.0.1 c\n"
      "g     t     1         -              3              -   -           -          -\n");
}

TEST(table, reset_plan_columns) {
  EXPECT_EQ(reset_plan_table({{"group-a", "t", 0, 7}}),
            "GROUP   TOPIC PARTITION NEW-OFFSET\n"
            "group-a t     0         7\n");
}

}  // namespace
}  // namespace sluice::tools
