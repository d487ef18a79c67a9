// Kafka's perf-tool habits: properties files under the command-line props,
// and bootstrap.servers / client.id from the properties unless -b says so.

#include "tools/commands/perf_props.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tools/cli_tree.h"

namespace sluice::tools {
namespace {

std::string write_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("sluice-perf-props-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(perf_props, config_file_lines_come_before_the_command_line) {
  auto path = write_file("producer.properties",
                         "# Kafka style\n\nbootstrap.servers = h:1\n! also a comment\nacks=1\n");
  auto merged = with_config_file(path, {"acks=all"});
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(*merged, (std::vector<std::string>{"bootstrap.servers=h:1", "acks=1", "acks=all"}));
  EXPECT_EQ(prop_value(*merged, "acks"), "all") << "the command line wins";
  EXPECT_EQ(prop_value(*merged, "linger.ms"), std::nullopt);
  auto pc = producer_props(*merged);
  ASSERT_TRUE(pc) << pc.error().message;
  EXPECT_EQ(pc->acks, -1);
  std::filesystem::remove(path);
  auto missing = with_config_file("/nonexistent/sluice.properties", {});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().usage);
  auto bad = write_file("bad.properties", "no equals sign\n");
  EXPECT_FALSE(with_config_file(bad, {}));
  std::filesystem::remove(bad);
}

TEST(perf_props, bootstrap_servers_in_props_are_where_perf_connects) {
  cli_options o;
  ASSERT_TRUE(parse_args(o, {"perf", "produce", "--topic", "t", "--num-records", "5",
                             "--producer-props", "bootstrap.servers=props:9", "client.id=perf"})
                  .run);
  EXPECT_FALSE(o.common.bootstrap_given);
  ASSERT_TRUE(resolve_perf_options(o.command, o.common, o.perf));
  EXPECT_EQ(o.common.bootstrap, "props:9");
  EXPECT_EQ(o.common.client_id, "perf");

  cli_options flag;  // -b given: the flag wins, as Kafka's --bootstrap-server does
  ASSERT_TRUE(parse_args(flag, {"perf", "produce", "--topic", "t", "--num-records", "5", "-b",
                                "flag:1", "--producer-props", "bootstrap.servers=props:9"})
                  .run);
  EXPECT_TRUE(flag.common.bootstrap_given);
  ASSERT_TRUE(resolve_perf_options(flag.command, flag.common, flag.perf));
  EXPECT_EQ(flag.common.bootstrap, "flag:1");

  auto path = write_file("consumer.properties", "bootstrap.servers=file:7\n");
  cli_options consume;
  ASSERT_TRUE(parse_args(consume, {"perf", "consume", "--topic", "t", "--messages", "5",
                                   "--consumer.config", path, "--print-metrics"})
                  .run);
  EXPECT_EQ(consume.perf.num_records, 5) << "--messages is kafka-consumer-perf-test's name";
  EXPECT_TRUE(consume.perf.print_metrics);
  ASSERT_TRUE(resolve_perf_options(consume.command, consume.common, consume.perf));
  EXPECT_EQ(consume.common.bootstrap, "file:7");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace sluice::tools
