#include "broker/topic_table.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include "protocol/uuid.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"
#include "tests/support/temp_dir.h"

namespace sluice::broker {
namespace {

TEST(topic_table, creates_and_lists_topics) {
  test::fake_shard shard;
  auto& topics = shard.topics();
  ASSERT_FALSE(topics.create_topic("a", 3));
  EXPECT_EQ(topics.partitions("a"), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(topics.create_topic("a", 1), log::errc::already_exists);
  EXPECT_EQ(topics.create_topic("no/slash", 1), log::errc::invalid_argument);
  EXPECT_EQ(topics.create_topic("b", 0), log::errc::invalid_argument);
  EXPECT_EQ(topics.topic_names(), std::vector<std::string>{"a"});
  EXPECT_NE(topics.get("a", 2), nullptr);
  EXPECT_EQ(topics.get("a", 3), nullptr);
  EXPECT_EQ(topics.get("zz", 0), nullptr);
  EXPECT_FALSE(topics.partitions("zz"));
}

TEST(topic_table, partitions_are_the_directories_present_at_start) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  log::log_manager_config lc;
  lc.log_dirs = {dir.path()};
  {
    auto logs = log::log_manager::open(*io, lc);
    ASSERT_TRUE(logs);
    ASSERT_TRUE((*logs)->create({"t", 0}));
    ASSERT_TRUE((*logs)->create({"t", 2}));
    ASSERT_FALSE((*logs)->close());
  }
  auto logs = log::log_manager::open(*io, lc);
  ASSERT_TRUE(logs);
  topic_table topics(**logs);
  EXPECT_EQ(topics.partitions("t"), (std::vector<int32_t>{0, 2}));
  ASSERT_FALSE((*logs)->close());
}

TEST(topic_table, every_topic_has_its_own_id_and_a_recreated_topic_a_new_one) {
  test::fake_shard shard;
  auto& topics = shard.topics();
  ASSERT_FALSE(topics.create_topic("a", 2));
  ASSERT_FALSE(topics.create_topic("b", 1));
  ASSERT_NE(topics.topic_id("a"), nullptr);
  const protocol::uuid a = *topics.topic_id("a");
  EXPECT_FALSE(protocol::is_zero(a));
  EXPECT_FALSE(a == *topics.topic_id("b"));
  ASSERT_NE(topics.topic_name(a), nullptr);
  EXPECT_EQ(*topics.topic_name(a), "a");
  EXPECT_EQ(topics.topic_id("zz"), nullptr);
  EXPECT_TRUE(protocol::is_zero(topics.topic_id_or_zero("zz")));
  ASSERT_FALSE(topics.delete_topic("a"));
  EXPECT_EQ(topics.topic_id("a"), nullptr);
  EXPECT_EQ(topics.topic_name(a), nullptr);
  ASSERT_FALSE(topics.create_topic("a", 1));
  EXPECT_FALSE(*topics.topic_id("a") == a);
}

TEST(topic_table, ids_are_kept_across_restarts_and_given_to_topics_that_had_none) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  log::log_manager_config lc;
  lc.log_dirs = {dir.path()};
  protocol::uuid kept;
  auto open_table = [&](auto&& body) {
    std::vector<std::string> warnings;
    auto configs = topic_config_store::open(*io, dir.path(), warnings);
    ASSERT_TRUE(configs);
    auto logs = log::log_manager::open(*io, lc);
    ASSERT_TRUE(logs);
    {
      topic_table topics(**logs, *configs);
      body(topics, **logs);
    }
    ASSERT_FALSE((*logs)->close());
  };
  open_table([&](topic_table& topics, log::log_manager& logs) {
    ASSERT_FALSE(topics.create_topic("t", 2));
    kept = *topics.topic_id("t");
    // A partition made behind the table's back, as data from before topic ids.
    ASSERT_TRUE(logs.create({"old", 0}));
  });
  protocol::uuid old_id;
  open_table([&](topic_table& topics, log::log_manager&) {
    ASSERT_NE(topics.topic_id("t"), nullptr);
    EXPECT_EQ(*topics.topic_id("t"), kept);
    ASSERT_NE(topics.topic_id("old"), nullptr);
    old_id = *topics.topic_id("old");
  });
  open_table([&](topic_table& topics, log::log_manager&) {
    EXPECT_EQ(*topics.topic_id("old"), old_id);  // given once, then kept
  });
}

TEST(topic_table, an_id_without_partitions_is_dropped_at_start) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  log::log_manager_config lc;
  lc.log_dirs = {dir.path()};
  std::vector<std::string> warnings;
  auto configs = topic_config_store::open(*io, dir.path(), warnings);
  ASSERT_TRUE(configs);
  // A crash after the id was written and before the first partition.
  ASSERT_FALSE((*configs)->put_id("ghost", protocol::random_uuid()));
  auto logs = log::log_manager::open(*io, lc);
  ASSERT_TRUE(logs);
  {
    topic_table topics(**logs, *configs);
    EXPECT_EQ(topics.topic_id("ghost"), nullptr);
  }
  EXPECT_NE(::access((dir.path() + "/__sluice_topics/ghost.id").c_str(), F_OK), 0);
  ASSERT_FALSE((*logs)->close());
}

TEST(topic_table, a_create_a_crash_interrupted_is_undone_at_start) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  log::log_manager_config lc;
  lc.log_dirs = {dir.path()};
  auto open_table = [&](auto&& body) {
    std::vector<std::string> warnings;
    auto configs = topic_config_store::open(*io, dir.path(), warnings);
    ASSERT_TRUE(configs);
    auto logs = log::log_manager::open(*io, lc);
    ASSERT_TRUE(logs);
    {
      topic_table topics(**logs, *configs);
      body(topics, **logs);
    }
    ASSERT_FALSE((*logs)->close());
  };
  open_table([&](topic_table& topics, log::log_manager&) {
    ASSERT_FALSE(topics.create_topic("done", 2));
    // Two slices of four partitions, then the process dies: no abandon_create.
    ASSERT_FALSE(topics.begin_create("half", 4));
    auto first = topics.create_some("half", std::chrono::steady_clock::time_point::min());
    ASSERT_TRUE(first);
    EXPECT_FALSE(*first);
    EXPECT_FALSE(topics.partitions("half"));
  });
  EXPECT_EQ(::access((dir.path() + "/half-0").c_str(), F_OK), 0);  // left behind by the crash
  open_table([&](topic_table& topics, log::log_manager& logs) {
    EXPECT_FALSE(topics.partitions("half"));
    EXPECT_EQ(topics.topic_id("half"), nullptr);
    EXPECT_EQ(logs.get({"half", 0}), nullptr);
    ASSERT_TRUE(topics.partitions("done"));
    EXPECT_EQ(topics.partitions("done")->size(), 2u);
    // The name is free again, and a finished create survives a restart.
    ASSERT_FALSE(topics.create_topic("half", 3));
  });
  EXPECT_NE(::access((dir.path() + "/half-3").c_str(), F_OK), 0);
  open_table([&](topic_table& topics, log::log_manager&) {
    ASSERT_TRUE(topics.partitions("half"));
    EXPECT_EQ(topics.partitions("half")->size(), 3u);
  });
}

TEST(topic_table, watchers_hear_high_watermark_moves_until_unwatched) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("a", 1));
  log::partition_log* p = shard.topics().get("a", 0);
  int calls = 0;
  uint64_t id = shard.topics().watch(p, [&] { ++calls; });
  auto b1 = sluice::test::build_batch(1, 10, 1000);
  sluice::test::append_and_wait(*p, shard.backend(), b1);
  EXPECT_EQ(calls, 1);
  shard.topics().unwatch(p, id);
  auto b2 = sluice::test::build_batch(1, 10, 1000);
  sluice::test::append_and_wait(*p, shard.backend(), b2);
  EXPECT_EQ(calls, 1);
}

TEST(topic_table, a_watcher_may_unwatch_itself_and_others_while_notified) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("a", 1));
  log::partition_log* p = shard.topics().get("a", 0);
  int first = 0, second = 0;
  uint64_t id2 = 0;
  uint64_t id1 = 0;
  id1 = shard.topics().watch(p, [&] {
    ++first;
    shard.topics().unwatch(p, id1);
    shard.topics().unwatch(p, id2);
  });
  id2 = shard.topics().watch(p, [&] { ++second; });
  auto b = sluice::test::build_batch(1, 10, 1000);
  sluice::test::append_and_wait(*p, shard.backend(), b);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
}

}  // namespace
}  // namespace sluice::broker
