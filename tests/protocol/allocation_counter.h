#pragma once
// Counts heap allocations made through operator new by this thread, so tests
// can assert that a decoder refused a lying count or length before allocating
// for it (RELIABILITY.md E3: bytes allocated <= 2 x frame + 4 KiB).
// The replacement operator new lives in allocation_test.cc.

#include <cstddef>

namespace sluice::protocol::testing {

struct allocation_stats {
  size_t total_bytes = 0;
  size_t largest = 0;
  size_t count = 0;
};

// While alive, records this thread's allocations.
class allocation_scope {
 public:
  allocation_scope();
  ~allocation_scope();
  allocation_scope(const allocation_scope&) = delete;
  allocation_scope& operator=(const allocation_scope&) = delete;
  allocation_stats stats() const;

 private:
  allocation_stats* previous_;
  allocation_stats stats_;
};

}  // namespace sluice::protocol::testing
