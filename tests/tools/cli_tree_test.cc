#include "tools/cli_tree.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

parse_outcome parse(cli_options& o, std::vector<std::string> args) { return parse_args(o, args); }

TEST(cli_tree, produce_flags_land_in_options) {
  cli_options o;
  auto r = parse(o, {"produce", "-b", "127.0.0.1:1234", "-t", "logs", "-K", ":", "-H", "a=1", "-H",
                     "b=2", "-p", "3", "-z", "lz4", "--acks", "1"});
  ASSERT_TRUE(r.run) << r.text;
  EXPECT_EQ(o.command, "produce");
  EXPECT_EQ(o.common.bootstrap, "127.0.0.1:1234");
  EXPECT_EQ(o.produce.topic, "logs");
  EXPECT_EQ(*o.produce.key_separator, ":");
  EXPECT_EQ(o.produce.headers, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(*o.produce.partition, 3);
  EXPECT_EQ(o.produce.compression, "lz4");
  EXPECT_EQ(o.produce.acks, "1");
}

TEST(cli_tree, default_bootstrap_and_nested_commands) {
  cli_options o;
  auto r = parse(
      o, {"group", "reset-offsets", "g1", "--topic", "t:0,1", "--to-offset", "5", "--execute"});
  ASSERT_TRUE(r.run) << r.text;
  EXPECT_EQ(o.command, "group reset-offsets");
  EXPECT_EQ(o.common.bootstrap, "127.0.0.1:9092");
  EXPECT_EQ(o.group.group, "g1");
  EXPECT_EQ(o.group.topics, (std::vector<std::string>{"t:0,1"}));
  EXPECT_EQ(*o.group.to_offset, 5);
  EXPECT_TRUE(o.group.execute);
}

TEST(cli_tree, perf_takes_kafka_flag_names) {
  cli_options o;
  auto r =
      parse(o, {"perf", "produce", "--topic", "p", "--num-records", "10", "--record-size", "20",
                "--throughput", "-1", "--producer-props", "acks=1", "linger.ms=3", "--json"});
  ASSERT_TRUE(r.run) << r.text;
  EXPECT_EQ(o.command, "perf produce");
  EXPECT_EQ(o.perf.num_records, 10);
  EXPECT_EQ(o.perf.producer_props, (std::vector<std::string>{"acks=1", "linger.ms=3"}));
  EXPECT_TRUE(o.perf.json);
}

TEST(cli_tree, help_on_every_command_exits_zero) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"},
                                        {"topic", "--help"},
                                        {"topic", "create", "--help"},
                                        {"topic", "list", "--help"},
                                        {"topic", "describe", "--help"},
                                        {"topic", "delete", "--help"},
                                        {"topic", "alter", "--help"},
                                        {"produce", "--help"},
                                        {"consume", "--help"},
                                        {"group", "--help"},
                                        {"group", "list", "--help"},
                                        {"group", "describe", "--help"},
                                        {"group", "delete", "--help"},
                                        {"group", "reset-offsets", "--help"},
                                        {"group", "wait", "--help"},
                                        {"offsets", "--help"},
                                        {"perf", "--help"},
                                        {"perf", "produce", "--help"},
                                        {"perf", "consume", "--help"},
                                        {"perf", "e2e", "--help"}}) {
    cli_options o;
    auto r = parse(o, args);
    EXPECT_FALSE(r.run);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.text.find("--help"), std::string::npos) << r.text;
    EXPECT_FALSE(r.text.empty());
  }
}

TEST(cli_tree, leaf_help_lists_the_common_flags) {
  cli_options o;
  auto r = parse(o, {"group", "describe", "--help"});
  EXPECT_NE(r.text.find("--bootstrap-server"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("127.0.0.1:9092"), std::string::npos) << r.text;
}

TEST(cli_tree, usage_errors_are_one_line) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{},
        {"topic"},
        {"produce"},
        {"nope"},
        {"consume", "-t", "x", "-c", "many"},
        {"perf", "produce", "--topic", "t", "--num-records", "0"}}) {
    cli_options o;
    auto r = parse(o, args);
    EXPECT_FALSE(r.run);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(r.is_error);
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
    EXPECT_FALSE(r.text.empty());
  }
}

}  // namespace
}  // namespace sluice::tools
