// uring_backend: batched submission, completions reaped from the CQ, the
// eventfd the kernel signals, and the probe-and-fall-back factory.

#include "log/io/uring_backend.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <iterator>
#include <random>

#include <gtest/gtest.h>

#include "tests/log/io/io_test_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log::io {
namespace {

using testing::iov_of;
using testing::read_file;
using testing::readable;
using testing::recorded_op;

// io_uring can be missing (old kernel, seccomp); then there is nothing to test.
std::unique_ptr<uring_backend> make_ring(unsigned depth = 256) {
  std::string why;
  return uring_backend::create({.queue_depth = depth}, &why);
}

#define REQUIRE_RING(b) \
  if (!(b)) GTEST_SKIP() << "io_uring unavailable here"

void drain(io_backend& b) {
  b.flush();
  while (b.in_flight() > 0) b.wait();
}

TEST(uring_backend, many_writes_across_files_in_one_flush_are_byte_identical) {
  test::temp_dir dir;
  auto b = make_ring();
  REQUIRE_RING(b);
  constexpr int files = 4, writes_per_file = 250;
  std::vector<file_handle> fds;
  std::vector<std::string> expected(files), chunks;
  std::vector<iovec> iovs;
  chunks.reserve(files * writes_per_file);
  iovs.reserve(files * writes_per_file);
  std::vector<recorded_op> ops(files * writes_per_file);
  for (int f = 0; f < files; ++f)
    fds.push_back(b->open(dir / ("f" + std::to_string(f)), open_mode::create_exclusive).value());
  std::mt19937 rng(11);
  for (int i = 0; i < writes_per_file; ++i) {
    for (int f = 0; f < files; ++f) {
      std::string& c = chunks.emplace_back(1 + rng() % 700, static_cast<char>('a' + rng() % 26));
      iovs.push_back(iov_of(c));
      b->submit_write(fds[f].get(), expected[f].size(), {&iovs.back(), 1}, &ops[chunks.size() - 1]);
      expected[f] += c;
    }
  }
  drain(*b);
  for (size_t i = 0; i < ops.size(); ++i) {
    ASSERT_EQ(ops[i].calls, 1);
    ASSERT_EQ(ops[i].res, static_cast<int32_t>(chunks[i].size()));
  }
  for (int f = 0; f < files; ++f)
    EXPECT_EQ(read_file(dir / ("f" + std::to_string(f))), expected[f]);
}

TEST(uring_backend, nothing_reaches_the_kernel_before_flush) {
  test::temp_dir dir;
  auto b = make_ring();
  REQUIRE_RING(b);
  auto fd = b->open(dir / "n", open_mode::create_read_write);
  const std::string s = "queued";
  const iovec iov = iov_of(s);
  recorded_op op;
  b->submit_write(fd->get(), 0, {&iov, 1}, &op);
  EXPECT_EQ(b->poll(), 0u);
  EXPECT_EQ(read_file(dir / "n"), "");
  EXPECT_EQ(b->in_flight(), 1u);
  EXPECT_EQ(b->wait(), 1u);  // wait() flushes first
  EXPECT_EQ(op.res, 6);
  EXPECT_EQ(read_file(dir / "n"), "queued");
}

TEST(uring_backend, a_full_submission_queue_is_submitted_rather_than_refused) {
  test::temp_dir dir;
  auto b = make_ring(4);
  REQUIRE_RING(b);
  auto fd = b->open(dir / "q", open_mode::create_read_write);
  std::vector<std::string> chunks;
  std::vector<iovec> iovs(100);
  std::vector<recorded_op> ops(100);
  std::string expected;
  for (int i = 0; i < 100; ++i) chunks.push_back(std::to_string(i) + ",");
  for (int i = 0; i < 100; ++i) {
    iovs[i] = iov_of(chunks[i]);
    b->submit_write(fd->get(), expected.size(), {&iovs[i], 1}, &ops[i]);
    expected += chunks[i];
  }
  drain(*b);
  for (const auto& op : ops) EXPECT_GT(op.res, 0);
  EXPECT_EQ(read_file(dir / "q"), expected);
}

TEST(uring_backend, vectored_write_lands_in_iovec_order_at_its_position) {
  test::temp_dir dir;
  auto b = make_ring();
  REQUIRE_RING(b);
  auto fd = b->open(dir / "v", open_mode::create_read_write);
  const std::string a = "header|", c = "records|", d = "trailer";
  const iovec iov[] = {iov_of(a), iov_of(c), iov_of(d)};
  recorded_op op;
  b->submit_write(fd->get(), 3, iov, &op);
  drain(*b);
  EXPECT_EQ(op.res, static_cast<int32_t>(a.size() + c.size() + d.size()));
  EXPECT_EQ(read_file(dir / "v"), std::string(3, '\0') + a + c + d);
}

TEST(uring_backend, datasync_completes_with_zero) {
  test::temp_dir dir;
  auto b = make_ring();
  REQUIRE_RING(b);
  auto fd = b->open(dir / "s", open_mode::create_read_write);
  const std::string s = "durable";
  const iovec iov = iov_of(s);
  recorded_op w, sync;
  b->submit_write(fd->get(), 0, {&iov, 1}, &w);
  b->flush();
  while (w.calls == 0) b->wait();
  b->submit_datasync(fd->get(), &sync);
  drain(*b);
  EXPECT_EQ(sync.calls, 1);
  EXPECT_EQ(sync.res, 0);
}

TEST(uring_backend, event_fd_becomes_readable_when_the_kernel_posts_a_completion) {
  test::temp_dir dir;
  auto b = make_ring();
  REQUIRE_RING(b);
  ASSERT_GE(b->event_fd(), 0);
  EXPECT_FALSE(readable(b->event_fd(), 0));
  auto fd = b->open(dir / "e", open_mode::create_read_write);
  recorded_op op;
  b->submit_datasync(fd->get(), &op);
  EXPECT_FALSE(readable(b->event_fd(), 0));  // still in the SQ
  b->flush();
  EXPECT_TRUE(readable(b->event_fd(), 5000));
  EXPECT_EQ(b->poll(), 1u);
  EXPECT_FALSE(readable(b->event_fd(), 0));
}

TEST(uring_backend, errors_on_a_bad_fd_come_back_as_negative_errno) {
  auto b = make_ring();
  REQUIRE_RING(b);
  const std::string s = "data";
  const iovec iov = iov_of(s);
  recorded_op w, d;
  b->submit_write(-1, 0, {&iov, 1}, &w);
  b->submit_datasync(-1, &d);
  drain(*b);
  EXPECT_EQ(w.res, -EBADF);
  EXPECT_EQ(d.res, -EBADF);
}

TEST(uring_backend, destruction_waits_for_writes_the_kernel_holds) {
  test::temp_dir dir;
  std::string expected;
  {
    auto b = make_ring();
    REQUIRE_RING(b);
    auto fd = b->open(dir / "d", open_mode::create_read_write);
    static const std::string chunk(4096, 'k');
    static const iovec iov = iov_of(chunk);
    static std::vector<recorded_op> ops(64);
    for (int i = 0; i < 64; ++i) b->submit_write(fd->get(), i * 4096ull, {&iov, 1}, &ops[i]);
    b->flush();
    expected.assign(64 * 4096, 'k');
  }
  EXPECT_EQ(read_file(dir / "d"), expected);
}

TEST(uring_backend, file_system_calls_are_the_posix_ones) {
  test::temp_dir dir;
  auto b = make_ring();
  REQUIRE_RING(b);
  ASSERT_FALSE(b->create_dir(dir / "d"));
  auto fd = b->open(dir / "d/a", open_mode::create_exclusive);
  ASSERT_TRUE(fd);
  EXPECT_EQ(b->open(dir / "d/a", open_mode::create_exclusive).error(),
            make_error_code(errc::already_exists));
  const std::string s = "abc";
  ASSERT_FALSE(b->write_at(fd->get(), 0, std::as_bytes(std::span(s))));
  ASSERT_FALSE(b->sync(fd->get()));
  ASSERT_FALSE(b->rename(dir / "d/a", dir / "d/b"));
  ASSERT_FALSE(b->sync_dir(dir / "d"));
  EXPECT_EQ(read_file(dir / "d/b"), "abc");
  ASSERT_FALSE(b->remove_all(dir / "d"));
}

TEST(uring_backend, unusable_ring_is_declined_with_a_reason) {
  std::string why;
  EXPECT_EQ(make_uring_backend({.queue_depth = 0}, &why), nullptr);
  EXPECT_NE(why.find("io_uring_queue_init"), std::string::npos) << why;
}

TEST(uring_backend, default_backend_says_which_backend_it_chose_and_why) {
  std::string chosen;
  auto b = make_default_backend({}, &chosen);
  ASSERT_NE(b, nullptr);
  if (b->kind() == backend_kind::io_uring) {
    EXPECT_EQ(chosen, "io_uring (probed: writev, fsync)");
    EXPECT_EQ(b->name(), "io_uring");
  } else {
    EXPECT_EQ(b->kind(), backend_kind::posix);
    EXPECT_TRUE(chosen.starts_with("posix (io_uring unavailable: ")) << chosen;
  }
  std::string fallback;
  auto p = make_default_backend({.queue_depth = 0}, &fallback);  // a ring that cannot be made
  EXPECT_EQ(p->kind(), backend_kind::posix);
  EXPECT_TRUE(fallback.starts_with("posix (io_uring unavailable: io_uring_queue_init")) << fallback;
}

}  // namespace
}  // namespace sluice::log::io
