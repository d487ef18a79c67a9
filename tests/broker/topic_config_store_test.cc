#include "broker/topic_config_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "log/io/io_backend.h"
#include "protocol/uuid.h"
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

TEST(topic_config_store, topic_ids_survive_a_reopen_and_a_corrupt_one_is_ignored) {
  sluice::test::temp_dir dir;
  auto io = log::io::make_posix_backend();
  std::vector<std::string> warnings;
  const protocol::uuid a = protocol::random_uuid();
  const protocol::uuid b = protocol::random_uuid();
  {
    auto s = topic_config_store::open(*io, dir.path(), warnings);
    ASSERT_TRUE(s);
    ASSERT_FALSE((*s)->put_id("a", a));
    ASSERT_FALSE((*s)->put_id("b", b));
    ASSERT_FALSE((*s)->put_id("c", protocol::random_uuid()));
    ASSERT_FALSE((*s)->erase_id("c"));
  }
  // One flipped character in b's id: the checksum no longer matches.
  const std::string b_file = dir.path() + "/__sluice_topics/b.id";
  std::string text = topic_config_store::render_id(b);
  const size_t at = text.find("topic.id=") + 9;
  text[at] = text[at] == 'A' ? 'B' : 'A';
  std::ofstream(b_file, std::ios::trunc) << text;
  auto s = topic_config_store::open(*io, dir.path(), warnings);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->topic_ids().size(), 1u);
  EXPECT_EQ((*s)->topic_ids().at("a"), a);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("b.id"), std::string::npos);
}

TEST(topic_config_store, the_id_file_names_the_id_as_kafka_prints_it) {
  protocol::uuid id;
  for (size_t i = 0; i < 16; ++i) id.bytes[i] = std::byte{static_cast<uint8_t>(i)};
  const std::string text = topic_config_store::render_id(id);
  EXPECT_EQ(text.rfind("# sluice topic id v1\ntopic.id=AAECAwQFBgcICQoLDA0ODw\nchecksum=", 0), 0u);
  EXPECT_EQ(topic_config_store::parse_id(text), id);
  EXPECT_FALSE(topic_config_store::parse_id("topic.id=AAECAwQFBgcICQoLDA0ODw\n"));  // no checksum
}

}  // namespace
}  // namespace sluice::broker
