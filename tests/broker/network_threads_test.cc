// The automatic num.network.threads (-1): how many socket threads a broker
// starts for the cores it may run on.
#include "broker/network_threads.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

namespace sluice::broker {
namespace {

TEST(network_threads, automatic_count_follows_the_cores) {
  EXPECT_EQ(network_threads::automatic(1), 0);  // one core: sockets stay on the shard thread
  EXPECT_EQ(network_threads::automatic(2), 1);
  EXPECT_EQ(network_threads::automatic(8), 2);
  EXPECT_EQ(network_threads::automatic(16), 4);
  EXPECT_EQ(network_threads::automatic(96), 4);
}

// A broker started under `taskset -c 0` (or in a one-core cpuset) counts
// one core, whatever the machine has.
TEST(network_threads, usable_cores_is_the_affinity_mask) {
  unsigned pinned = 0;
  std::thread t([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    cpu_set_t mine;
    ASSERT_EQ(::sched_getaffinity(0, sizeof mine, &mine), 0);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &mine)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
    pinned = network_threads::usable_cores();
  });
  t.join();
  EXPECT_EQ(pinned, 1u);
  EXPECT_GE(network_threads::usable_cores(), 1u);
}

}  // namespace
}  // namespace sluice::broker
