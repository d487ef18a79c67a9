#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/config.h"
#include "protocol/messages/describe_cluster.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::describe_cluster_request;
using protocol::describe_cluster_response;
using protocol::error_code;

describe_cluster_response describe(test::fake_shard& shard, const describe_cluster_request& r,
                                   int16_t version) {
  auto a = std::make_shared<test::answer>();
  handle_describe_cluster(shard, test::make_request(r, version), test::capture(a));
  EXPECT_TRUE(a->called && a->value);
  return test::decode_answer<describe_cluster_response>(*a->value, version);
}

TEST(describe_cluster_handler, the_single_broker_is_its_own_controller) {
  broker_config cfg;
  cfg.node_id = 3;
  cfg.advertised = endpoint{"kafka.example", 19092};
  test::fake_shard shard(cfg);
  for (int16_t v : {0, 1}) {
    auto r = describe(shard, {}, v);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.cluster_id, shard.cluster_id());
    EXPECT_EQ(r.controller_id, 3);
    ASSERT_EQ(r.brokers.size(), 1u);
    EXPECT_EQ(r.brokers[0].broker_id, 3);
    EXPECT_EQ(r.brokers[0].host, "kafka.example");
    EXPECT_EQ(r.brokers[0].port, 19092);
    EXPECT_EQ(r.cluster_authorized_operations, protocol::authorized_operations_omitted);
  }
}

TEST(describe_cluster_handler, authorized_operations_when_asked) {
  test::fake_shard shard;
  describe_cluster_request r;
  r.include_cluster_authorized_operations = true;
  auto resp = describe(shard, r, 0);
  EXPECT_NE(resp.cluster_authorized_operations, protocol::authorized_operations_omitted);
  EXPECT_NE(resp.cluster_authorized_operations & (1 << 8), 0);  // DESCRIBE
}

TEST(describe_cluster_handler, v1_asked_for_controllers_is_mismatched_endpoint_type) {
  test::fake_shard shard;
  describe_cluster_request r;
  r.endpoint_type = protocol::endpoint_type_controller;
  EXPECT_EQ(describe(shard, r, 1).error_code, error_code::mismatched_endpoint_type);
  r.endpoint_type = 7;
  EXPECT_EQ(describe(shard, r, 1).error_code, error_code::unsupported_endpoint_type);
}

}  // namespace
}  // namespace sluice::broker
