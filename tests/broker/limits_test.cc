#include "broker/limits.h"

#include <gtest/gtest.h>

namespace sluice::broker {
namespace {

TEST(memory_budget, reserves_until_full_then_waits_for_a_release) {
  memory_budget b(100);
  EXPECT_TRUE(b.try_reserve(60));
  EXPECT_TRUE(b.try_reserve(40));
  EXPECT_FALSE(b.try_reserve(1));
  int woken = 0;
  b.wait([&] { ++woken; });
  EXPECT_EQ(b.waiters(), 1u);
  b.release(40);
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(b.waiters(), 0u);  // a waiter is woken once, then retries
  EXPECT_EQ(b.used(), 60u);
  EXPECT_TRUE(b.try_reserve(40));
}

TEST(memory_budget, one_request_larger_than_the_budget_is_admitted_when_nothing_is_held) {
  memory_budget b(100);
  EXPECT_TRUE(b.try_reserve(1000));
  EXPECT_FALSE(b.try_reserve(1));
  b.release(1000);
  EXPECT_EQ(b.used(), 0u);
}

TEST(memory_budget, cancelled_waiters_are_not_woken_and_a_waker_may_wait_again) {
  memory_budget b(10);
  ASSERT_TRUE(b.try_reserve(10));
  int a = 0, c = 0;
  uint64_t id = b.wait([&] { ++a; });
  b.wait([&] {
    ++c;
    b.wait([&] { ++c; });  // still blocked: waits again from inside the wake
  });
  b.cancel_wait(id);
  b.release(1);
  EXPECT_EQ(a, 0);
  EXPECT_EQ(c, 1);
  EXPECT_EQ(b.waiters(), 1u);
}

TEST(memory_budget, negative_limit_is_unlimited) {
  memory_budget b(-1);
  EXPECT_TRUE(b.try_reserve(1ull << 40));
  EXPECT_TRUE(b.try_reserve(1ull << 40));
}

TEST(connection_limits, refuses_over_the_per_ip_limit_and_counts_releases) {
  connection_limits l(100, 2);
  EXPECT_EQ(l.admit("10.0.0.1"), "");
  EXPECT_EQ(l.admit("10.0.0.1"), "");
  EXPECT_EQ(l.admit("10.0.0.1"), "max_connections_per_ip");
  EXPECT_EQ(l.admit("10.0.0.2"), "");
  EXPECT_EQ(l.open(), 3);
  EXPECT_EQ(l.open_from("10.0.0.1"), 2);
  l.release("10.0.0.1");
  EXPECT_EQ(l.admit("10.0.0.1"), "");
}

TEST(connection_limits, refuses_over_the_total_limit) {
  connection_limits l(2, 100);
  EXPECT_EQ(l.admit("a"), "");
  EXPECT_EQ(l.admit("b"), "");
  EXPECT_EQ(l.admit("c"), "max_connections");
  l.release("a");
  EXPECT_EQ(l.open(), 1);
  EXPECT_EQ(l.admit("c"), "");
  l.release("never-admitted");  // ignored
  EXPECT_EQ(l.open(), 2);
}

}  // namespace
}  // namespace sluice::broker
