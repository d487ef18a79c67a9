#include "tools/file_follower.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sluice::tools {
namespace {

namespace fs = std::filesystem;

class file_follower_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sluice-follow-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    log_ = (dir_ / "app.log").string();
    state_ = (dir_ / "app.log.state").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::app) << text;
  }

  // Polls until nothing new comes, committing after each batch as the producer does.
  std::vector<std::string> drain(file_follower& f) {
    std::vector<std::string> all;
    for (int i = 0; i < 100; ++i) {
      auto lines = f.poll(3);
      EXPECT_TRUE(lines) << (lines ? "" : lines.error().message);
      if (!lines || lines->empty()) break;
      all.insert(all.end(), lines->begin(), lines->end());
      EXPECT_TRUE(f.commit());
    }
    return all;
  }

  fs::path dir_;
  std::string log_, state_;
};

using lines = std::vector<std::string>;

TEST_F(file_follower_test, reads_complete_lines_and_waits_for_the_rest) {
  append(log_, "one\ntwo\nthr");
  file_follower f(log_, state_);
  ASSERT_TRUE(f.open());
  EXPECT_EQ(drain(f), (lines{"one", "two"}));
  append(log_, "ee\n");
  EXPECT_EQ(drain(f), (lines{"three"}));
}

TEST_F(file_follower_test, waits_for_a_missing_file) {
  file_follower f(log_, state_);
  ASSERT_TRUE(f.open());
  EXPECT_EQ(drain(f), lines{});
  append(log_, "late\n");
  EXPECT_EQ(drain(f), (lines{"late"}));
}

TEST_F(file_follower_test, rotation_finishes_the_old_file_then_starts_the_new_one) {
  append(log_, "a1\na2\n");
  file_follower f(log_, state_);
  ASSERT_TRUE(f.open());
  EXPECT_EQ(drain(f), (lines{"a1", "a2"}));
  append(log_, "a3\na4");  // written before the rotation, not yet read
  fs::rename(log_, log_ + ".1");
  append(log_, "b1\n");
  EXPECT_EQ(drain(f), (lines{"a3", "a4", "b1"}));
  append(log_, "b2\n");
  EXPECT_EQ(drain(f), (lines{"b2"}));
}

TEST_F(file_follower_test, two_rotations_between_polls_skip_no_file) {
  append(log_, "a1\n");
  file_follower f(log_, state_);
  ASSERT_TRUE(f.open());
  EXPECT_EQ(drain(f), (lines{"a1"}));
  fs::rename(log_, log_ + ".2");
  append(log_, "b1\nb2\n");
  // What inotify (or the sender's wait) triggers when the new file appears:
  // it is opened before the next rename can hide it.
  f.notice_rotations();
  EXPECT_EQ(f.queued_files(), 1u);
  fs::rename(log_, log_ + ".1");
  append(log_, "c1\n");
  EXPECT_EQ(drain(f), (lines{"b1", "b2", "c1"}));
  append(log_, "c2\n");
  EXPECT_EQ(drain(f), (lines{"c2"}));
}

TEST_F(file_follower_test, watches_the_directory_with_inotify) {
  file_follower f(log_, state_);
  ASSERT_TRUE(f.open());
  EXPECT_GE(f.change_fd(), 0) << "Linux has inotify";
  append(log_, "x\n");
  pollfd p{f.change_fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 2000), 1) << "a write to the path wakes the follower";
  f.notice_rotations();  // drains the events
  EXPECT_EQ(::poll(&p, 1, 0), 0);
}

TEST_F(file_follower_test, truncation_starts_again_from_zero) {
  append(log_, "first line\nsecond line\n");
  file_follower f(log_, state_);
  ASSERT_TRUE(f.open());
  EXPECT_EQ(drain(f), (lines{"first line", "second line"}));
  fs::resize_file(log_, 0);
  EXPECT_EQ(drain(f), lines{});
  append(log_, "new\n");
  EXPECT_EQ(drain(f), (lines{"new"}));
}

TEST_F(file_follower_test, restart_resumes_after_the_last_commit) {
  append(log_, "1\n2\n3\n4\n");
  {
    file_follower f(log_, state_);
    ASSERT_TRUE(f.open());
    auto got = f.poll(2);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, (lines{"1", "2"}));
    ASSERT_TRUE(f.commit());
    ASSERT_TRUE(f.poll(1));  // "3" read but never acknowledged: must come again
  }
  append(log_, "5\n");
  file_follower again(log_, state_);
  ASSERT_TRUE(again.open());
  EXPECT_EQ(drain(again), (lines{"3", "4", "5"}));
}

TEST_F(file_follower_test, restart_after_a_rotation_while_down_loses_nothing) {
  append(log_, "old1\nold2\n");
  {
    file_follower f(log_, state_);
    ASSERT_TRUE(f.open());
    EXPECT_EQ(drain(f), (lines{"old1", "old2"}));
  }
  append(log_, "old3\n");
  fs::rename(log_, log_ + ".1");
  append(log_, "new1\n");
  file_follower again(log_, state_);
  ASSERT_TRUE(again.open());
  EXPECT_EQ(drain(again), (lines{"old3", "new1"}));
}

TEST_F(file_follower_test, a_replaced_file_with_other_content_starts_from_zero) {
  append(log_, "aaaa\nbbbb\n");
  {
    file_follower f(log_, state_);
    ASSERT_TRUE(f.open());
    drain(f);
  }
  fs::remove(log_);
  append(log_, "cccc\ndddd\neeee\n");  // may reuse the inode; the fingerprint tells
  file_follower again(log_, state_);
  ASSERT_TRUE(again.open());
  EXPECT_EQ(drain(again), (lines{"cccc", "dddd", "eeee"}));
}

TEST_F(file_follower_test, state_is_written_atomically_and_checked) {
  follow_state s{1, 2, 3, 3, fnv1a64("abc")};
  ASSERT_TRUE(save_follow_state(state_, s));
  EXPECT_FALSE(fs::exists(state_ + ".tmp"));
  auto back = load_follow_state(state_);
  ASSERT_TRUE(back);
  EXPECT_EQ(**back, s);
  std::ofstream(state_) << "garbage\n";
  EXPECT_FALSE(load_follow_state(state_));
  file_follower f(log_, state_);
  EXPECT_FALSE(f.open());
}

}  // namespace
}  // namespace sluice::tools
