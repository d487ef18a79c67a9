// posix_backend: system calls at submit time, completions on poll(), errno
// values as io_uring would report them.

#include "log/io/posix_backend.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <fstream>
#include <iterator>
#include <random>

#include <gtest/gtest.h>

#include "log/io/errno_map.h"
#include "tests/log/io/io_test_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log::io {
namespace {

using testing::iov_of;
using testing::read_file;
using testing::readable;
using testing::recorded_op;

TEST(posix_backend, many_writes_across_files_in_one_flush_are_byte_identical) {
  test::temp_dir dir;
  posix_backend b;
  constexpr int files = 4, writes_per_file = 250;
  std::vector<file_handle> fds;
  std::vector<std::string> expected(files);
  std::vector<std::string> chunks;  // kept alive until completion, as the contract says
  std::vector<iovec> iovs;
  chunks.reserve(files * writes_per_file);
  iovs.reserve(files * writes_per_file);
  std::vector<recorded_op> ops(files * writes_per_file);
  for (int f = 0; f < files; ++f)
    fds.push_back(b.open(dir / ("f" + std::to_string(f)), open_mode::create_exclusive).value());
  std::mt19937 rng(7);
  for (int i = 0; i < writes_per_file; ++i) {
    for (int f = 0; f < files; ++f) {
      std::string& c = chunks.emplace_back(1 + rng() % 700, static_cast<char>('a' + rng() % 26));
      iovs.push_back(iov_of(c));
      b.submit_write(fds[f].get(), expected[f].size(), {&iovs.back(), 1}, &ops[chunks.size() - 1]);
      expected[f] += c;
    }
  }
  b.flush();
  while (b.in_flight() > 0) b.wait();
  for (size_t i = 0; i < ops.size(); ++i) {
    ASSERT_EQ(ops[i].calls, 1);
    ASSERT_EQ(ops[i].res, static_cast<int32_t>(chunks[i].size()));
  }
  for (int f = 0; f < files; ++f)
    EXPECT_EQ(read_file(dir / ("f" + std::to_string(f))), expected[f]);
}

TEST(posix_backend, vectored_write_lands_in_iovec_order_at_its_position) {
  test::temp_dir dir;
  posix_backend b;
  auto fd = b.open(dir / "v", open_mode::create_read_write);
  ASSERT_TRUE(fd);
  const std::string a = "header|", c = "records|", d = "trailer";
  const iovec iov[] = {iov_of(a), iov_of(c), iov_of(d)};
  recorded_op op;
  b.submit_write(fd->get(), 3, iov, &op);
  b.flush();
  EXPECT_EQ(b.wait(), 1u);
  EXPECT_EQ(op.res, static_cast<int32_t>(a.size() + c.size() + d.size()));
  EXPECT_EQ(read_file(dir / "v"), std::string(3, '\0') + a + c + d);
}

TEST(posix_backend, completions_run_only_inside_poll) {
  test::temp_dir dir;
  posix_backend b;
  auto fd = b.open(dir / "p", open_mode::create_read_write);
  const std::string s = "x";
  const iovec iov = iov_of(s);
  recorded_op w, s1;
  b.submit_write(fd->get(), 0, {&iov, 1}, &w);
  b.submit_datasync(fd->get(), &s1);
  b.flush();
  EXPECT_EQ(w.calls, 0);
  EXPECT_EQ(b.in_flight(), 2u);
  EXPECT_EQ(b.poll(), 2u);
  EXPECT_EQ(w.res, 1);
  EXPECT_EQ(s1.res, 0);  // datasync completes with 0
  EXPECT_EQ(b.in_flight(), 0u);
  EXPECT_EQ(b.wait(), 0u);  // nothing in flight: returns at once
}

TEST(posix_backend, event_fd_is_readable_exactly_while_completions_are_pending) {
  test::temp_dir dir;
  posix_backend b;
  ASSERT_GE(b.event_fd(), 0);
  EXPECT_FALSE(readable(b.event_fd(), 0));
  auto fd = b.open(dir / "e", open_mode::create_read_write);
  recorded_op op;
  b.submit_datasync(fd->get(), &op);
  b.flush();
  EXPECT_TRUE(readable(b.event_fd(), 1000));
  b.poll();
  EXPECT_FALSE(readable(b.event_fd(), 0));
}

TEST(posix_backend, errors_on_a_bad_fd_come_back_as_negative_errno) {
  posix_backend b;
  const std::string s = "data";
  const iovec iov = iov_of(s);
  recorded_op w, d;
  b.submit_write(-1, 0, {&iov, 1}, &w);
  b.submit_datasync(-1, &d);
  b.flush();
  b.wait();
  EXPECT_EQ(w.res, -EBADF);
  EXPECT_EQ(d.res, -EBADF);
  EXPECT_EQ(b.sync(-1), make_error_code(errc::io_error));
}

TEST(posix_backend, short_write_is_reported_as_is_for_the_caller_to_resubmit) {
  test::temp_dir dir;
  posix_backend b;
  auto fd = b.open(dir / "s", open_mode::create_read_write);
  // A file-size limit is the one portable way to make the kernel write short.
  rlimit old{};
  ::getrlimit(RLIMIT_FSIZE, &old);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit lim = old;
  lim.rlim_cur = 10;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
  const std::string s(20, 'z');
  const iovec iov = iov_of(s);
  recorded_op op;
  b.submit_write(fd->get(), 0, {&iov, 1}, &op);
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  b.wait();
  EXPECT_EQ(op.res, 10);
}

TEST(posix_backend, open_uses_cloexec_and_reports_missing_and_existing_files) {
  test::temp_dir dir;
  posix_backend b;
  auto fd = b.open(dir / "o", open_mode::create_exclusive);
  ASSERT_TRUE(fd);
  EXPECT_NE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat st {};
  ASSERT_EQ(::fstat(fd->get(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u & ~mask);
  EXPECT_EQ(b.open(dir / "o", open_mode::create_exclusive).error(),
            make_error_code(errc::already_exists));
  EXPECT_EQ(b.open(dir / "missing", open_mode::read_write).error(),
            make_error_code(errc::not_found));
  EXPECT_TRUE(b.open(dir / "o", open_mode::create_read_write));
  EXPECT_TRUE(b.open(dir / "o", open_mode::read_only));
}

TEST(posix_backend, allocate_grows_a_file_and_never_shrinks_it) {
  test::temp_dir dir;
  posix_backend b;
  auto fd = b.open(dir / "idx", open_mode::create_read_write);
  struct stat st {};
  ASSERT_FALSE(b.allocate(fd->get(), 1 << 20));
  ::fstat(fd->get(), &st);
  EXPECT_EQ(st.st_size, 1 << 20);
  ASSERT_FALSE(b.allocate(fd->get(), 4096));
  ::fstat(fd->get(), &st);
  EXPECT_EQ(st.st_size, 1 << 20);
  ASSERT_FALSE(b.truncate(fd->get(), 100));
  ::fstat(fd->get(), &st);
  EXPECT_EQ(st.st_size, 100);
}

TEST(posix_backend, file_system_calls_do_what_they_say) {
  test::temp_dir dir;
  posix_backend b;
  ASSERT_FALSE(b.create_dir(dir / "d"));
  EXPECT_FALSE(b.create_dir(dir / "d"));  // exists: fine
  {
    auto fd = b.open(dir / "d/a", open_mode::create_exclusive);
    const std::string s = "hello";
    ASSERT_FALSE(b.write_at(fd->get(), 0, std::as_bytes(std::span(s))));
    ASSERT_FALSE(b.sync(fd->get()));
  }
  EXPECT_EQ(b.create_dir(dir / "d/a"), make_error_code(errc::already_exists));  // not a directory
  ASSERT_FALSE(b.rename(dir / "d/a", dir / "d/b"));
  ASSERT_FALSE(b.sync_dir(dir / "d"));
  EXPECT_EQ(read_file(dir / "d/b"), "hello");
  EXPECT_EQ(b.rename(dir / "d/a", dir / "d/c"), make_error_code(errc::not_found));
  EXPECT_EQ(b.sync_dir(dir / "nope"), make_error_code(errc::not_found));
  ASSERT_FALSE(b.remove(dir / "d/b"));
  EXPECT_EQ(b.remove(dir / "d/b"), make_error_code(errc::not_found));
  ASSERT_FALSE(b.create_dir(dir / "d/e"));
  ASSERT_FALSE(b.remove(dir / "d/e"));  // an empty directory
  ASSERT_FALSE(b.create_dir(dir / "d/e"));
  ASSERT_TRUE(b.open(dir / "d/e/f", open_mode::create_exclusive));
  EXPECT_TRUE(b.remove(dir / "d"));  // not empty
  ASSERT_FALSE(b.remove_all(dir / "d"));
  EXPECT_FALSE(b.remove_all(dir / "d"));  // already gone: fine
  EXPECT_NE(::access((dir / "d").c_str(), F_OK), 0);
}

TEST(backend_errno_map, maps_the_errors_the_engine_acts_on_and_everything_else_to_io_error) {
  EXPECT_FALSE(error_from_errno(0));
  EXPECT_EQ(error_from_errno(ENOSPC), make_error_code(errc::no_space));
  EXPECT_EQ(error_from_errno(EDQUOT), make_error_code(errc::no_space));
  EXPECT_EQ(error_from_errno(EEXIST), make_error_code(errc::already_exists));
  EXPECT_EQ(error_from_errno(ENOENT), make_error_code(errc::not_found));
  EXPECT_EQ(error_from_errno(EIO), make_error_code(errc::io_error));
  EXPECT_EQ(error_from_errno(EBADF), make_error_code(errc::io_error));
}

TEST(posix_backend, factory_makes_one_and_names_it) {
  auto b = make_posix_backend();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->kind(), backend_kind::posix);
  EXPECT_EQ(b->name(), "posix");
}

}  // namespace
}  // namespace sluice::log::io
