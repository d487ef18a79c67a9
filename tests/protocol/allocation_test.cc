// The replacement global operator new/delete behind allocation_counter.h, and
// a check that it counts.
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include <gtest/gtest.h>

#include "tests/protocol/allocation_counter.h"

namespace sluice::protocol::testing {
namespace {

thread_local allocation_stats* current = nullptr;

void record(size_t n) noexcept {
  if (current == nullptr) return;
  current->total_bytes += n;
  current->count += 1;
  if (n > current->largest) current->largest = n;
}

void* allocate(size_t n) {
  record(n);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void* allocate_nothrow(size_t n) noexcept {
  record(n);
  return std::malloc(n == 0 ? 1 : n);
}

}  // namespace

allocation_scope::allocation_scope() : previous_(current) { current = &stats_; }
allocation_scope::~allocation_scope() { current = previous_; }
allocation_stats allocation_scope::stats() const { return stats_; }

}  // namespace sluice::protocol::testing

void* operator new(size_t n) { return sluice::protocol::testing::allocate(n); }
void* operator new[](size_t n) { return sluice::protocol::testing::allocate(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  return sluice::protocol::testing::allocate_nothrow(n);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return sluice::protocol::testing::allocate_nothrow(n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace sluice::protocol::testing {
namespace {

TEST(allocation_scope, counts_allocations_made_while_alive) {
  allocation_scope scope;
  auto v = std::make_unique<std::vector<int>>(1000);
  const allocation_stats s = scope.stats();
  EXPECT_GE(s.total_bytes, 1000 * sizeof(int));
  EXPECT_GE(s.largest, 1000 * sizeof(int));
  EXPECT_GE(s.count, 2u);
}

TEST(allocation_scope, ignores_allocations_outside_it) {
  allocation_stats s;
  {
    allocation_scope scope;
    s = scope.stats();
  }
  auto v = std::make_unique<std::vector<int>>(1000);
  EXPECT_EQ(s.total_bytes, 0u);
}

}  // namespace
}  // namespace sluice::protocol::testing
