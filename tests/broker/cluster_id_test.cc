#include "broker/cluster_id.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace sluice::broker {
namespace {

TEST(cluster_id, created_once_then_stable) {
  sluice::test::temp_dir dir;
  auto first = load_or_create_cluster_id({dir.path()}, 0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->cluster_id.size(), 22u);
  EXPECT_TRUE(std::filesystem::exists(dir / "meta.properties"));
  auto again = load_or_create_cluster_id({dir.path()}, 0);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->cluster_id, first->cluster_id);
  EXPECT_TRUE(again->warnings.empty());
}

TEST(cluster_id, every_log_dir_gets_the_same_id) {
  sluice::test::temp_dir a, b;
  auto first = load_or_create_cluster_id({a.path()}, 0);
  ASSERT_TRUE(first);
  auto both = load_or_create_cluster_id({b.path(), a.path()}, 0);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->cluster_id, first->cluster_id);
  auto only_b = load_or_create_cluster_id({b.path()}, 0);
  EXPECT_EQ(only_b->cluster_id, first->cluster_id);
}

TEST(cluster_id, a_different_node_id_is_reported) {
  sluice::test::temp_dir dir;
  ASSERT_TRUE(load_or_create_cluster_id({dir.path()}, 0));
  auto other = load_or_create_cluster_id({dir.path()}, 4);
  ASSERT_TRUE(other);
  ASSERT_EQ(other->warnings.size(), 1u);
}

TEST(cluster_id, distinct_clusters_get_distinct_ids) {
  sluice::test::temp_dir a, b;
  EXPECT_NE(load_or_create_cluster_id({a.path()}, 0)->cluster_id,
            load_or_create_cluster_id({b.path()}, 0)->cluster_id);
}

}  // namespace
}  // namespace sluice::broker
