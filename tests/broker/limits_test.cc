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

TEST(memory_budget, the_oldest_frame_being_read_always_progresses) {
  // Two 100-byte frames each hold half the budget and need more: without the
  // oldest frame's right to go on, each would wait for the other forever.
  memory_budget b(100);
  ASSERT_TRUE(b.try_reserve(50));
  const uint64_t first = b.begin_frame();
  ASSERT_TRUE(b.try_reserve(50));
  const uint64_t second = b.begin_frame();
  EXPECT_FALSE(b.try_reserve(10, second, 100));
  EXPECT_FALSE(b.try_reserve(10));  // a new frame's first step waits too
  EXPECT_TRUE(b.try_reserve(40, first, 100));
  EXPECT_EQ(b.used(), 140u);
  // Never past limit + the frame's own size: at most one frame over.
  EXPECT_FALSE(b.try_reserve(70, first, 100));
  int woken = 0;
  b.wait([&] { ++woken; });
  b.end_frame(first);  // read whole: the second is now the oldest
  EXPECT_EQ(woken, 1);
  EXPECT_TRUE(b.try_reserve(50, second, 100));
  b.end_frame(second);
  EXPECT_FALSE(b.try_reserve(1, second, 100));  // an ended ticket has no right left
}

TEST(memory_budget, ending_a_frame_that_is_not_the_oldest_wakes_nobody) {
  memory_budget b(10);
  ASSERT_TRUE(b.try_reserve(5));
  const uint64_t first = b.begin_frame();
  ASSERT_TRUE(b.try_reserve(5));
  const uint64_t second = b.begin_frame();
  int woken = 0;
  b.wait([&] { ++woken; });
  b.end_frame(second);
  EXPECT_EQ(woken, 0);
  b.end_frame(first);
  EXPECT_EQ(woken, 1);
}

TEST(memory_budget, a_connection_share_is_a_quarter_within_bounds) {
  EXPECT_EQ(memory_budget(400u << 20).share(), 64u << 20);  // capped by max_share
  EXPECT_EQ(memory_budget(40u << 20).share(), 10u << 20);
  EXPECT_EQ(memory_budget(1000).share(), memory_budget::reservation_step);
  EXPECT_EQ(memory_budget(-1).share(), memory_budget::max_share);
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
