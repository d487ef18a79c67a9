#include "broker/topic_config_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "log/io/io_backend.h"
#include "tests/support/temp_dir.h"

namespace sluice::broker {
namespace {

TEST(topic_config_store, overrides_survive_a_reopen) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  std::vector<std::string> warnings;
  {
    auto s = topic_config_store::open(*io, dir.path(), warnings);
    ASSERT_TRUE(s);
    ASSERT_FALSE((*s)->put("a", {{"retention.ms", "100"}, {"segment.bytes", "2048"}}));
    ASSERT_FALSE((*s)->put("b", {{"retention.ms", "5"}}));
    ASSERT_FALSE((*s)->erase("b"));
  }
  auto s = topic_config_store::open(*io, dir.path(), warnings);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->get("a"), (topic_overrides{{"retention.ms", "100"}, {"segment.bytes", "2048"}}));
  EXPECT_TRUE((*s)->get("b").empty());
  EXPECT_EQ((*s)->topics(), std::vector<std::string>{"a"});
  EXPECT_TRUE(warnings.empty());
}

TEST(topic_config_store, the_file_is_readable_properties) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  std::vector<std::string> warnings;
  auto s = topic_config_store::open(*io, dir.path(), warnings);
  ASSERT_TRUE(s);
  ASSERT_FALSE((*s)->put("a", {{"retention.ms", "100"}}));
  std::ifstream in(dir.path() + "/__sluice_topics/a.properties");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "# sluice topic config overrides v1\nretention.ms=100\n");
}

TEST(topic_config_store, bad_lines_and_leftover_tmp_files_are_skipped) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  ASSERT_FALSE(io->create_dir(dir.path() + "/__sluice_topics"));
  std::ofstream(dir.path() + "/__sluice_topics/a.properties")
      << "retention.ms=7\ngarbage\nsegment.bytes=x\n";
  std::ofstream(dir.path() + "/__sluice_topics/a.properties.tmp") << "retention.ms=8\n";
  std::vector<std::string> warnings;
  auto s = topic_config_store::open(*io, dir.path(), warnings);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->get("a"), (topic_overrides{{"retention.ms", "7"}}));
  EXPECT_EQ(warnings.size(), 2u);
  EXPECT_NE(::access((dir.path() + "/__sluice_topics/a.properties.tmp").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace sluice::broker
