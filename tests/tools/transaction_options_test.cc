// The produce and perf options that configure idempotence, transactions and
// isolation: what they set, and the combinations refused with one clear line.

#include <gtest/gtest.h>

#include "tools/commands/perf_props.h"
#include "tools/commands/produce.h"

namespace sluice::tools {
namespace {

TEST(transaction_options, transactional_id_makes_a_transactional_producer) {
  produce_options o;
  o.topic = "t";
  o.transactional_id = "tx";
  auto pc = producer_config_of(o);
  ASSERT_TRUE(pc) << pc.error().message;
  EXPECT_EQ(pc->transactional_id, "tx");
  EXPECT_EQ(pc->acks, -1);
  produce_options plain;
  plain.topic = "t";
  auto ppc = producer_config_of(plain);
  ASSERT_TRUE(ppc);
  EXPECT_FALSE(ppc->transactional_id);
  EXPECT_FALSE(ppc->enable_idempotence) << "left to the producer's default (on)";
}

TEST(transaction_options, refuses_what_cannot_work) {
  produce_options o;
  o.topic = "t";
  o.transactional_id = "tx";
  o.acks = "1";
  auto acks = producer_config_of(o);
  ASSERT_FALSE(acks);
  EXPECT_NE(acks.error().message.find("--acks all"), std::string::npos) << acks.error().message;
  produce_options lines;
  lines.topic = "t";
  lines.transaction_lines = 3;
  auto no_id = producer_config_of(lines);
  ASSERT_FALSE(no_id);
  EXPECT_NE(no_id.error().message.find("--transactional-id"), std::string::npos);
}

TEST(transaction_options, perf_props_take_idempotence_and_isolation) {
  auto off = producer_props({"enable.idempotence=false"});
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->enable_idempotence, false);
  EXPECT_FALSE(producer_props({"enable.idempotence=maybe"}));
  auto rc = consumer_props({"isolation.level=read_committed"});
  ASSERT_TRUE(rc) << rc.error().message;
  EXPECT_EQ(rc->isolation, client::isolation_level::read_committed);
  EXPECT_FALSE(consumer_props({"isolation.level=dirty"}));
}

}  // namespace
}  // namespace sluice::tools
