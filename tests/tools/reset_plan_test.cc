#include "tools/reset_plan.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

std::vector<partition_offsets> two_partitions() {
  return {{{"t", 0}, 50, 10, 100, 30}, {{"t", 1}, std::nullopt, 0, 20, -1}};
}

std::vector<int64_t> targets(const reset_spec& spec,
                             std::vector<partition_offsets> parts = two_partitions()) {
  auto plan = plan_reset(spec, parts);
  EXPECT_TRUE(plan) << (plan ? "" : plan.error().message);
  std::vector<int64_t> out;
  if (plan)
    for (auto& p : *plan) out.push_back(p.new_offset);
  return out;
}

TEST(reset_plan, earliest_latest_current) {
  EXPECT_EQ(targets(reset::to_earliest{}), (std::vector<int64_t>{10, 0}));
  EXPECT_EQ(targets(reset::to_latest{}), (std::vector<int64_t>{100, 20}));
  EXPECT_EQ(targets(reset::to_current{}), (std::vector<int64_t>{50, 20}));
}

TEST(reset_plan, offsets_are_clamped_into_the_log_as_kafka_does) {
  EXPECT_EQ(targets(reset::to_offset{15}), (std::vector<int64_t>{15, 15}));
  EXPECT_EQ(targets(reset::to_offset{5}), (std::vector<int64_t>{10, 5}));
  EXPECT_EQ(targets(reset::to_offset{500}), (std::vector<int64_t>{100, 20}));
}

TEST(reset_plan, shift_needs_a_committed_offset) {
  std::vector<partition_offsets> one{two_partitions()[0]};
  EXPECT_EQ(targets(reset::shift_by{-45}, one), (std::vector<int64_t>{10}));
  EXPECT_EQ(targets(reset::shift_by{7}, one), (std::vector<int64_t>{57}));
  auto plan = plan_reset(reset::shift_by{1}, two_partitions());
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("t-1"), std::string::npos);
}

TEST(reset_plan, time_without_a_later_record_goes_to_the_end) {
  EXPECT_EQ(targets(reset::to_time{123}), (std::vector<int64_t>{30, 20}));
}

TEST(reset_plan, from_file_touches_only_listed_partitions) {
  auto file = parse_reset_csv("topic,partition,offset\nt,1,7\nother,0,3\n");
  ASSERT_TRUE(file) << file.error().message;
  auto plan = plan_reset(*file, two_partitions());
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].tp, (topic_partition{"t", 1}));
  EXPECT_EQ((*plan)[0].new_offset, 7);
}

TEST(reset_plan, csv_accepts_kafka_export_and_rejects_garbage) {
  auto exported = parse_reset_csv("g,t,0,5\r\ng,t,1,6\r\n");
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->offsets.at({"t", 1}), 6);
  EXPECT_FALSE(parse_reset_csv("t,0\n"));
  EXPECT_FALSE(parse_reset_csv("t,0,1\nt,x,2\n"));
  EXPECT_FALSE(parse_reset_csv("t,0,-1\n"));
  EXPECT_FALSE(parse_reset_csv(""));
}

TEST(reset_plan, topic_selection) {
  auto all = parse_topic_selection("logs");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->topic, "logs");
  EXPECT_TRUE(all->partitions.empty());
  auto some = parse_topic_selection("logs:0,2");
  ASSERT_TRUE(some);
  EXPECT_EQ(some->partitions, (std::vector<int32_t>{0, 2}));
  EXPECT_FALSE(parse_topic_selection("logs:"));
  EXPECT_FALSE(parse_topic_selection(":1"));
  EXPECT_FALSE(parse_topic_selection("logs:a"));
}

}  // namespace
}  // namespace sluice::tools
