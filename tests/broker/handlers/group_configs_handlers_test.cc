// DescribeConfigs, IncrementalAlterConfigs and AlterConfigs on GROUP
// resources (type 32), and the share coordinator using what they store.
#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/group_config_store.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "tests/broker/share/share_calls.h"

namespace sluice::broker {
namespace {

using protocol::config_operation;
using protocol::error_code;
using protocol::incremental_alter_configs_request;
using protocol::incremental_alter_configs_response;
using entry = incremental_alter_configs_request::alterable_config;
constexpr int8_t kGroup = protocol::config_resource_group;

entry op(std::string name, config_operation o, std::optional<std::string> value = std::nullopt) {
  return {std::move(name), static_cast<int8_t>(o), std::move(value)};
}

class group_configs_handlers : public ::testing::Test {
 protected:
  incremental_alter_configs_response::alter_configs_resource_response alter(
      std::vector<entry> configs, bool validate_only = false, std::string name = "g") {
    incremental_alter_configs_request r;
    r.resources.push_back({kGroup, std::move(name), std::move(configs)});
    r.validate_only = validate_only;
    auto a = std::make_shared<test::answer>();
    handle_incremental_alter_configs(shard_, test::make_request(r, 1), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<incremental_alter_configs_response>(*a->value, 1).responses.at(0);
  }
  protocol::describe_configs_response::describe_configs_result describe(std::string name = "g",
                                                                        int16_t version = 4) {
    protocol::describe_configs_request r;
    r.resources.push_back({kGroup, std::move(name), std::nullopt});
    r.include_documentation = true;
    r.include_synonyms = true;
    auto a = std::make_shared<test::answer>();
    handle_describe_configs(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<protocol::describe_configs_response>(*a->value, version)
        .results.at(0);
  }
  const protocol::describe_configs_response::describe_configs_resource_result& find(
      const protocol::describe_configs_response::describe_configs_result& r,
      std::string_view name) {
    for (const auto& c : r.configs)
      if (c.name == name) return c;
    ADD_FAILURE() << name << " not described";
    return r.configs.front();
  }

  test::fake_shard shard_;
  group_config_store store_;
  group_config_registration registration_{shard_, store_};
};

TEST_F(group_configs_handlers, describe_shows_every_key_with_its_default) {
  auto r = describe();
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(r.configs.size(), group_config_keys().size());
  const auto& reset = find(r, "share.auto.offset.reset");
  EXPECT_EQ(reset.value, "latest");  // Kafka's default
  EXPECT_EQ(reset.config_source, protocol::config_source_default);
  EXPECT_EQ(reset.config_type, static_cast<int8_t>(protocol::config_type::string));
  EXPECT_TRUE(reset.documentation && !reset.documentation->empty());
  EXPECT_EQ(find(r, "share.record.lock.duration.ms").value, "30000");
  EXPECT_EQ(find(r, "share.isolation.level").value, "read_uncommitted");
}

TEST_F(group_configs_handlers, set_is_described_as_a_group_config_and_delete_returns_the_default) {
  auto a = alter({op("share.auto.offset.reset", config_operation::set, "earliest")});
  EXPECT_EQ(a.error_code, error_code::none);
  EXPECT_EQ(a.resource_type, kGroup);
  EXPECT_EQ(store_.get("g", "share.auto.offset.reset"), "earliest");
  for (int16_t v : {1, 4}) {
    const auto described = describe("g", v);
    const auto& e = find(described, "share.auto.offset.reset");
    EXPECT_EQ(e.value, "earliest");
    EXPECT_EQ(e.config_source, protocol::config_source_group);
  }
  const auto v0 = describe("g", 0);
  EXPECT_TRUE(find(v0, "share.record.lock.duration.ms").is_default);
  EXPECT_FALSE(find(v0, "share.auto.offset.reset").is_default);
  // Another group is untouched.
  const auto other = describe("h");
  EXPECT_EQ(find(other, "share.auto.offset.reset").value, "latest");

  EXPECT_EQ(alter({op("share.auto.offset.reset", config_operation::delete_)}).error_code,
            error_code::none);
  EXPECT_EQ(store_.get("g", "share.auto.offset.reset"), std::nullopt);
  const auto after = describe();
  EXPECT_EQ(find(after, "share.auto.offset.reset").config_source, protocol::config_source_default);
}

TEST_F(group_configs_handlers, bad_input_is_refused_per_resource_and_changes_nothing) {
  ASSERT_FALSE(store_.put("g", {{"share.isolation.level", "read_committed"}}));
  struct bad {
    entry e;
    error_code code;
  };
  for (const bad& b : std::vector<bad>{
           {op("share.no.such.key", config_operation::set, "1"), error_code::invalid_config},
           {op("share.auto.offset.reset", config_operation::set, "by_duration:-PT1H"),
            error_code::invalid_config},
           {op("share.record.lock.duration.ms", config_operation::set, "1000"),
            error_code::invalid_config},
           {op("share.record.lock.duration.ms", config_operation::append, "20000"),
            error_code::invalid_config},
           {op("share.auto.offset.reset", config_operation::subtract, "latest"),
            error_code::invalid_config},
           {op("share.auto.offset.reset", static_cast<config_operation>(9), "earliest"),
            error_code::invalid_request},
       }) {
    // A good entry first: a failed resource changes none of its keys.
    auto r = alter({op("share.delivery.count.limit", config_operation::set, "3"), b.e});
    EXPECT_EQ(r.error_code, b.code) << b.e.name;
    EXPECT_TRUE(r.error_message && !r.error_message->empty());
  }
  EXPECT_EQ(store_.overrides("g"), (group_overrides{{"share.isolation.level", "read_committed"}}));
  EXPECT_EQ(alter({op("share.auto.offset.reset", config_operation::set, "earliest")}, false, "")
                .error_code,
            error_code::invalid_request);
  EXPECT_EQ(describe("").error_code, error_code::invalid_request);
}

TEST_F(group_configs_handlers, validate_only_checks_and_stores_nothing) {
  auto r = alter({op("share.auto.offset.reset", config_operation::set, "earliest")}, true);
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_TRUE(store_.all().empty());
  r = alter({op("share.auto.offset.reset", config_operation::set, "sometimes")}, true);
  EXPECT_EQ(r.error_code, error_code::invalid_config);
}

TEST_F(group_configs_handlers, legacy_alter_configs_replaces_the_whole_set) {
  ASSERT_FALSE(store_.put("g", {{"share.isolation.level", "read_committed"}}));
  protocol::alter_configs_request r;
  r.resources.push_back({kGroup, "g", {{"share.auto.offset.reset", "earliest"}}});
  auto a = std::make_shared<test::answer>();
  handle_alter_configs(shard_, test::make_request(r, 1), test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto resp = test::decode_answer<protocol::alter_configs_response>(*a->value, 1);
  EXPECT_EQ(resp.responses.at(0).error_code, error_code::none);
  EXPECT_EQ(store_.overrides("g"), (group_overrides{{"share.auto.offset.reset", "earliest"}}));
}

// The coordinator reads the group's config when it creates a share-partition
// and on every use after.
TEST_F(group_configs_handlers, the_share_coordinator_starts_where_the_group_says) {
  // Ten records stamped ten minutes ago (by_duration looks records up by timestamp).
  ASSERT_FALSE(shard_.topics().create_topic("t", 1));
  std::vector<batch_record> records(10);
  for (auto& r : records) r.timestamp = shard_.fake_time().wall_clock_ms() - 600000;  // 10 min ago
  auto batch = encode_batch(records);
  auto appended = shard_.topics().get("t", 0)->append(batch, log::ack_level::flushed, [](auto) {});
  ASSERT_TRUE(appended);
  shard_.run_io();
  share::coordinator c(shard_, share::settings_from(shard_.config()));  // broker default: latest
  ASSERT_FALSE(store_.put("early", {{"share.auto.offset.reset", "earliest"},
                                    {"share.record.lock.duration.ms", "20000"}}));
  ASSERT_FALSE(store_.put("recent", {{"share.auto.offset.reset", "by_duration:PT1H"}}));
  ASSERT_FALSE(store_.put("future", {{"share.auto.offset.reset", "by_duration:PT1M"}}));
  const share::topic_partition tp{"t", 0};
  auto start = [&](const std::string& g) {
    return c.partition(c.get_or_create(g), tp)->snapshot().start_offset;
  };
  EXPECT_EQ(start("plain"), 10);  // latest: the records before it are not delivered
  EXPECT_EQ(start("early"), 0);
  EXPECT_EQ(start("recent"), 0);   // every record is younger than an hour
  EXPECT_EQ(start("future"), 10);  // none in the last minute: latest
  EXPECT_EQ(c.partition(c.get_or_create("early"), tp)->settings().lock_duration_ms, 20000);
  EXPECT_EQ(c.settings_for("plain").partition.lock_duration_ms, 30000);

  ASSERT_FALSE(store_.put("early", {{"share.record.lock.duration.ms", "45000"},
                                    {"share.isolation.level", "read_committed"}}));
  share::share_partition* p = c.partition(c.get_or_create("early"), tp);
  EXPECT_EQ(p->settings().lock_duration_ms, 45000);
  EXPECT_TRUE(p->settings().read_committed);
  EXPECT_EQ(p->snapshot().start_offset, 0);  // an existing partition keeps its place
}

}  // namespace
}  // namespace sluice::broker
