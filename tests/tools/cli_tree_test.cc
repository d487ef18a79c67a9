#include "tools/cli_tree.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tools/commands/consume.h"
#include "tools/commands/produce.h"

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

TEST(cli_tree, global_options_before_or_after_the_command) {
  for (std::vector<std::string> args : {std::vector<std::string>{"-b", "h:1", "topic", "list"},
                                        {"topic", "list", "-b", "h:1"},
                                        {"--bootstrap-server", "h:1", "topic", "list"},
                                        {"--bootstrap-server=h:1", "topic", "list"},
                                        {"-bh:1", "topic", "list"}}) {
    cli_options o;
    auto r = parse(o, args);
    ASSERT_TRUE(r.run) << r.text;
    EXPECT_EQ(o.command, "topic list");
    EXPECT_EQ(o.common.bootstrap, "h:1");
  }
  cli_options o;
  auto r = parse(
      o, {"-b", "h:2", "--client-id", "me", "--timeout-ms", "5000", "group", "describe", "g1"});
  ASSERT_TRUE(r.run) << r.text;
  EXPECT_EQ(o.command, "group describe");
  EXPECT_EQ(o.group.group, "g1");  // a positional after the command words stays one
  EXPECT_EQ(o.common.bootstrap, "h:2");
  EXPECT_EQ(o.common.client_id, "me");
  EXPECT_EQ(o.common.timeout_ms, 5000);
  EXPECT_EQ(o.command_line, "-b h:2 --client-id me --timeout-ms 5000 group describe g1");
}

TEST(cli_tree, bootstrap_servers_from_the_environment) {
  ::setenv("SLUICE_BOOTSTRAP_SERVERS", "env:9093", 1);
  cli_options from_env;
  ASSERT_TRUE(parse(from_env, {"topic", "list"}).run);
  EXPECT_EQ(from_env.common.bootstrap, "env:9093");
  cli_options flag_wins;
  ASSERT_TRUE(parse(flag_wins, {"-b", "flag:1", "topic", "list"}).run);
  EXPECT_EQ(flag_wins.common.bootstrap, "flag:1");
  ::unsetenv("SLUICE_BOOTSTRAP_SERVERS");
  cli_options none;
  ASSERT_TRUE(parse(none, {"topic", "list"}).run);
  EXPECT_EQ(none.common.bootstrap, "127.0.0.1:9092");
}

TEST(cli_tree, kcat_start_and_end_offsets_join) {
  cli_options o;
  auto r = parse(o, {"consume", "-t", "x", "-o", "s@1000", "-o", "e@2000"});
  ASSERT_TRUE(r.run) << r.text;
  EXPECT_EQ(o.consume.offset, "s@1000:e@2000");
  EXPECT_TRUE(check_consume_options(o.consume));
}

TEST(cli_tree, negative_counts_are_refused) {
  for (std::vector<std::string> args : {std::vector<std::string>{"consume", "-t", "x", "-c", "-3"},
                                        {"share", "consume", "-G", "g", "-t", "x", "-c", "-1"}}) {
    cli_options o;
    auto r = parse(o, args);
    EXPECT_FALSE(r.run) << args[0];
    EXPECT_EQ(r.exit_code, 2);
  }
  cli_options zero;
  EXPECT_TRUE(parse(zero, {"consume", "-t", "x", "-c", "0"}).run);
}

TEST(cli_tree, every_usage_error_exits_2) {
  for (std::vector<std::string> args : {std::vector<std::string>{},
                                        {"nope"},
                                        {"consume", "-t", "x", "-c", "many"},
                                        {"produce", "--linger-ms", "x", "-t", "t"}}) {
    cli_options o;
    EXPECT_EQ(parse(o, args).exit_code, 2);
  }
  // Values CLI11 accepts but the command refuses: usage errors too.
  auto produce_refuses = [](auto set) {
    produce_options p;
    p.topic = "t";
    set(p);
    auto r = check_produce_options(p);
    EXPECT_FALSE(r);
    return !r && r.error().usage;
  };
  EXPECT_TRUE(produce_refuses([](produce_options& p) { p.acks = "2"; }));
  EXPECT_TRUE(produce_refuses([](produce_options& p) { p.compression = "brotli"; }));
  EXPECT_TRUE(produce_refuses([](produce_options& p) { p.headers = {"novalue"}; }));
  EXPECT_TRUE(produce_refuses([](produce_options& p) { p.delivery_timeout_ms = 0; }));
  EXPECT_TRUE(produce_refuses([](produce_options& p) { p.key_by_file = true; }))
      << "--key-by-file needs --follow";
  EXPECT_TRUE(produce_refuses([](produce_options& p) {
    p.follow = "/tmp/x.log";
    p.key_by_file = true;
    p.key_separator = ":";
  })) << "one way of keying";
  auto consume_refuses = [](auto set) {
    consume_options c;
    c.topics = {"t"};
    set(c);
    auto r = check_consume_options(c);
    EXPECT_FALSE(r);
    return !r && r.error().usage;
  };
  EXPECT_TRUE(consume_refuses([](consume_options& c) { c.offset = "soon"; }));
  EXPECT_TRUE(consume_refuses([](consume_options& c) {
    c.json = true;
    c.format = "%s";
  }));
  EXPECT_TRUE(consume_refuses([](consume_options& c) { c.isolation = "dirty"; }));
  EXPECT_TRUE(consume_refuses([](consume_options& c) {
    c.group = "g";
    c.offset = "5";
  }));
  produce_options follow;
  follow.topic = "t";
  follow.follow = "/tmp/x.log";
  follow.key_by_file = true;
  EXPECT_TRUE(check_produce_options(follow));
}

TEST(cli_tree, produce_keying_and_delivery_timeout_flags) {
  cli_options o;
  auto r = parse(o, {"produce", "-t", "t", "--follow", "/var/log/app.log", "--key-by-file",
                     "--delivery-timeout-ms", "5000"});
  ASSERT_TRUE(r.run) << r.text;
  EXPECT_TRUE(o.produce.key_by_file);
  EXPECT_EQ(*o.produce.delivery_timeout_ms, 5000);
  auto pc = producer_config_of(o.produce);
  ASSERT_TRUE(pc);
  EXPECT_EQ(pc->delivery_timeout.count(), 5000);
  cli_options k;
  ASSERT_TRUE(parse(k, {"produce", "-t", "t", "-k", "host-1"}).run);
  EXPECT_EQ(*k.produce.key, "host-1");
  // Defaults: Kafka's 120 s for a one-shot produce, unbounded for --follow.
  produce_options plain;
  plain.topic = "t";
  EXPECT_EQ(producer_config_of(plain)->delivery_timeout.count(), 120000);
  plain.follow = "/var/log/app.log";
  EXPECT_GE(producer_config_of(plain)->delivery_timeout, std::chrono::hours(24 * 20));
}

}  // namespace
}  // namespace sluice::tools
