#include "broker/network_threads.h"

#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <thread>

namespace sluice::broker {

network_threads::network_threads(int count) {
  for (int i = 0; i < count; ++i) {
    auto& io = *ios_.emplace_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(io.get_executor());
    threads_.emplace_back([&io, i] {
      const std::string name = "sluice-net-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());
      io.run();
    });
  }
  if (count > 0) spdlog::info("event=network_threads_started count={}", count);
}

network_threads::~network_threads() { stop(); }

boost::asio::io_context& network_threads::next(boost::asio::io_context& shard) {
  if (ios_.empty()) return shard;
  boost::asio::io_context& io = *ios_[next_];
  next_ = (next_ + 1) % ios_.size();
  return io;
}

void network_threads::stop() {
  guards_.clear();
  for (auto& io : ios_) io->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

int network_threads::automatic(unsigned cores) {
  if (cores <= 1) return 0;
  return std::clamp(static_cast<int>(cores) / 4, 1, 4);
}

unsigned network_threads::usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    if (const int n = CPU_COUNT(&set); n > 0) return static_cast<unsigned>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace sluice::broker
