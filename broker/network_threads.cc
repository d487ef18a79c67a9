#include "broker/network_threads.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

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
  return std::clamp(static_cast<int>(cores) / 4, 1, 4);
}

}  // namespace sluice::broker
