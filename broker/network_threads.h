#pragma once
// The network threads (num.network.threads, Kafka's processors): each runs
// its own io_context, which owns the sockets of the connections given to it
// with every read, write and sendfile(2) on them. The shard thread accepts,
// runs the handlers and the storage, and posts each answer back to the
// connection's thread (broker/connection.h). Nothing here touches a
// partition or a coordinator, and no lock is held across I/O.
//
// With count 0 there are no threads: next() returns the shard's own
// io_context and everything runs on the shard thread, as before
// D32.
//
// Ownership: owns the threads and their io_contexts; stop() (or the
// destructor) ends them and joins, after which the io_contexts still exist
// (their handlers, and the connections those hold, go with this object).
// Thread: constructed, next() and stop() on the shard thread.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace sluice::broker {

class network_threads {
 public:
  // Starts `count` threads (0: none), named sluice-net-N.
  explicit network_threads(int count);
  ~network_threads();
  network_threads(const network_threads&) = delete;
  network_threads& operator=(const network_threads&) = delete;

  // Where the next accepted connection lives: the threads in turn, or
  // `shard` when there are none.
  boost::asio::io_context& next(boost::asio::io_context& shard);
  size_t count() const { return threads_.size(); }
  // Lets each io_context run out of work, stops it and joins its thread.
  void stop();

  // num.network.threads = -1: a quarter of the cores, at least 1 and at
  // most 4 (the socket work per byte is a fraction of the storage work;
  // more threads than that only add handoffs). None on one core: there a
  // network thread runs nothing in parallel and only adds a context switch
  // per request (bench/README.md, "Network threads and the share path").
  static int automatic(unsigned cores);
  // The cores this process may run on: its affinity mask (taskset, a
  // container's cpuset), not the machine's count.
  static unsigned usable_cores();

 private:
  using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> ios_;
  std::vector<work_guard> guards_;
  std::vector<std::thread> threads_;
  size_t next_ = 0;
};

}  // namespace sluice::broker
