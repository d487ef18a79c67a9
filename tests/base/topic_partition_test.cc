#include "base/topic_partition.h"

#include <gtest/gtest.h>

#include <set>
#include <type_traits>
#include <unordered_set>

#include "client/record.h"
#include "log/file_names.h"
#include "log/log_manager.h"
#include "tools/reset_plan.h"

namespace sluice::base {
namespace {

TEST(topic_partition, orders_by_topic_then_partition) {
  std::set<topic_partition> s{{"b", 0}, {"a", 2}, {"a", 1}};
  std::vector<topic_partition> v(s.begin(), s.end());
  EXPECT_EQ(v, (std::vector<topic_partition>{{"a", 1}, {"a", 2}, {"b", 0}}));
}

TEST(topic_partition, hashes_equal_names_alike) {
  std::unordered_set<topic_partition> s{{"t", 1}, {"t", 1}, {"t", 2}};
  EXPECT_EQ(s.size(), 2u);
}

TEST(topic_partition, every_layer_uses_the_one_type) {
  static_assert(std::is_same_v<log::topic_partition, topic_partition>);
  static_assert(std::is_same_v<log::file_names::topic_partition_name, topic_partition>);
  static_assert(std::is_same_v<client::topic_partition, topic_partition>);
  static_assert(std::is_same_v<tools::topic_partition, topic_partition>);
}

}  // namespace
}  // namespace sluice::base
