#include "broker/group_config_store.h"

#include <gtest/gtest.h>

#include <xxhash.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>

#include "broker/config.h"
#include "log/io/io_backend.h"
#include "tests/support/temp_dir.h"

namespace sluice::broker {
namespace {

std::string file_of(const std::string& log_dir) {
  return log_dir + "/" + std::string(group_config_dir_name) + "/" +
         std::string(group_config_file_name);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class group_config_store_test : public ::testing::Test {
 protected:
  log::result<std::unique_ptr<group_config_store>> open() {
    warnings_.clear();
    detail_.clear();
    return group_config_store::open(*io_, dir_.path(), cfg_, warnings_, detail_);
  }
  sluice::test::temp_dir dir_;
  std::unique_ptr<log::io::io_backend> io_ = log::io::make_posix_backend();
  broker_config cfg_;
  std::vector<std::string> warnings_;
  std::string detail_;
};

TEST_F(group_config_store_test, overrides_survive_a_reopen) {
  {
    auto s = open();
    ASSERT_TRUE(s) << detail_;
    ASSERT_FALSE((*s)->put("workers", {{"share.auto.offset.reset", "earliest"},
                                       {"share.record.lock.duration.ms", "20000"}}));
    ASSERT_FALSE((*s)->put("other", {{"share.isolation.level", "read_committed"}}));
  }
  auto s = open();
  ASSERT_TRUE(s) << detail_;
  EXPECT_TRUE(warnings_.empty());
  EXPECT_EQ((*s)->get("workers", "share.auto.offset.reset"), "earliest");
  EXPECT_EQ((*s)->get("workers", "share.record.lock.duration.ms"), "20000");
  EXPECT_EQ((*s)->get("other", "share.isolation.level"), "read_committed");
  EXPECT_EQ((*s)->get("workers", "share.isolation.level"), std::nullopt);
  EXPECT_EQ((*s)->get("nobody", "share.auto.offset.reset"), std::nullopt);
}

TEST_F(group_config_store_test, any_group_id_round_trips_without_becoming_a_path) {
  const std::string odd = std::string("../x/y z\n%\xff", 12) + "=k v";
  {
    auto s = open();
    ASSERT_TRUE(s);
    ASSERT_FALSE((*s)->put(odd, {{"share.auto.offset.reset", "earliest"}}));
  }
  auto s = open();
  ASSERT_TRUE(s) << detail_;
  EXPECT_EQ((*s)->get(odd, "share.auto.offset.reset"), "earliest");
  EXPECT_EQ((*s)->all().size(), 1u);
  EXPECT_EQ(group_config_store::decode_group_id(group_config_store::encode_group_id(odd)), odd);
}

TEST_F(group_config_store_test, an_empty_set_removes_the_group) {
  {
    auto s = open();
    ASSERT_TRUE(s);
    ASSERT_FALSE((*s)->put("g", {{"share.auto.offset.reset", "earliest"}}));
    ASSERT_FALSE((*s)->put("g", {}));
    EXPECT_TRUE((*s)->all().empty());
  }
  auto s = open();
  ASSERT_TRUE(s);
  EXPECT_TRUE((*s)->all().empty());
}

TEST_F(group_config_store_test, a_torn_file_refuses_to_open_with_a_clear_message) {
  {
    auto s = open();
    ASSERT_TRUE(s);
    ASSERT_FALSE((*s)->put("g", {{"share.auto.offset.reset", "earliest"}}));
  }
  std::ifstream in(file_of(dir_.path()), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // Every strict prefix (a torn write that a rename would never expose, or a
  // damaged disk) is refused, never a crash and never silently empty.
  for (size_t n = 0; n < text.size(); ++n) {
    write_text(file_of(dir_.path()), text.substr(0, n));
    auto s = open();
    ASSERT_FALSE(s) << "prefix " << n;
    EXPECT_EQ(s.error(), make_error_code(log::errc::corrupt_file));
    EXPECT_NE(detail_.find(file_of(dir_.path())), std::string::npos) << detail_;
  }
}

TEST_F(group_config_store_test, garbage_or_a_changed_byte_refuses_to_open) {
  (void)open();  // creates the directory
  write_text(file_of(dir_.path()), std::string("\x00\x01garbage\xff\n", 11));
  EXPECT_FALSE(open());
  EXPECT_NE(detail_.find("not a group config file"), std::string::npos) << detail_;

  std::string good = group_config_store::render({{"g", {{"share.auto.offset.reset", "earliest"}}}});
  std::string bad = good;
  bad[bad.find("earliest")] = 'f';
  write_text(file_of(dir_.path()), bad);
  EXPECT_FALSE(open());
  EXPECT_NE(detail_.find("checksum mismatch"), std::string::npos) << detail_;
}

TEST_F(group_config_store_test, a_leftover_tmp_is_ignored_and_the_file_stands) {
  {
    auto s = open();
    ASSERT_TRUE(s);
    ASSERT_FALSE((*s)->put("g", {{"share.auto.offset.reset", "earliest"}}));
  }
  write_text(file_of(dir_.path()) + ".tmp", "half a write");
  auto s = open();
  ASSERT_TRUE(s) << detail_;
  EXPECT_EQ((*s)->get("g", "share.auto.offset.reset"), "earliest");
}

TEST_F(group_config_store_test, a_value_out_of_the_brokers_bounds_is_reported_and_left_out) {
  (void)open();
  write_text(file_of(dir_.path()),
             group_config_store::render({{"g",
                                          {{"share.record.lock.duration.ms", "20000"},
                                           {"share.auto.offset.reset", "earliest"},
                                           {"no.such.key", "1"}}}}));
  cfg_.group_share_min_record_lock_duration_ms = 25000;
  auto s = open();
  ASSERT_TRUE(s) << detail_;
  EXPECT_EQ(warnings_.size(), 2u);
  EXPECT_EQ((*s)->get("g", "share.record.lock.duration.ms"), std::nullopt);
  EXPECT_EQ((*s)->get("g", "share.auto.offset.reset"), "earliest");
}

TEST(group_config_store_parse, lines_that_are_not_group_key_value_are_refused) {
  for (std::string body : {"g\n", "g k\n", " k=v\n", "%zz k=v\n", "g =v\n", "a%2 k=v\n"}) {
    const std::string text = "# sluice group configs v1\n" + body;
    char sum[17];
    std::snprintf(sum, sizeof sum, "%016" PRIx64, XXH3_64bits(text.data(), text.size()));
    std::string err;
    EXPECT_FALSE(group_config_store::parse(text + "checksum=" + sum + "\n", err)) << body;
    EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  }
}

}  // namespace
}  // namespace sluice::broker
