#include "base/result.h"

#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "client/error.h"
#include "log/errors.h"
#include "tools/result.h"

namespace sluice::base {
namespace {

struct sentence {
  std::string message;
};

TEST(base_result, holds_a_value_or_an_error) {
  basic_result<int, sentence> ok = 7;
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 7);
  EXPECT_EQ(ok.value(), 7);

  basic_result<int, sentence> bad = sentence{"no"};
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "no");
}

TEST(base_result, moves_the_value_and_the_error_out) {
  basic_result<std::string, sentence> ok = std::string(100, 'x');
  std::string taken = std::move(ok).value();
  EXPECT_EQ(taken.size(), 100u);
  basic_result<std::string, sentence> bad = sentence{"gone"};
  sentence e = std::move(bad).error();
  EXPECT_EQ(e.message, "gone");
}

TEST(base_result, void_is_success_by_default) {
  basic_result<void, sentence> ok;
  EXPECT_TRUE(ok);
  ok.value();  // checked, and fine on success
  basic_result<void, sentence> bad = sentence{"failed"};
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "failed");
}

// The checks are not asserts: they hold in Release builds too.
TEST(base_result_death, value_of_an_error_aborts_with_the_error) {
  basic_result<int, sentence> bad = sentence{"disk on fire"};
  EXPECT_DEATH((void)bad.value(), "value\\(\\) called on an error: disk on fire");
  EXPECT_DEATH((void)*bad, "disk on fire");
}

TEST(base_result_death, error_of_a_value_aborts) {
  basic_result<int, sentence> ok = 1;
  EXPECT_DEATH((void)ok.error(), "error\\(\\) called on a value");
  basic_result<void, sentence> done;
  EXPECT_DEATH((void)done.error(), "error\\(\\) called on a value");
}

TEST(base_result_death, value_of_a_void_error_aborts) {
  basic_result<void, sentence> bad = sentence{"nope"};
  EXPECT_DEATH(bad.value(), "nope");
}

TEST(base_result, log_result_takes_an_errc_and_keeps_the_error_code) {
  auto f = [](bool fail) -> log::result<int> {
    if (fail) return log::errc::not_found;
    return 3;
  };
  EXPECT_EQ(*f(false), 3);
  EXPECT_EQ(f(true).error(), log::errc::not_found);
  static_assert(std::is_same_v<log::result<int>, basic_result<int, std::error_code>>);
}

TEST(base_result_death, log_result_names_the_error_code) {
  log::result<int> bad = log::errc::corrupt_file;
  EXPECT_DEATH((void)bad.value(), "value\\(\\) called on an error");
}

TEST(base_result, client_and_tools_results_are_the_same_template) {
  static_assert(std::is_same_v<client::result<int>, basic_result<int, client::client_error>>);
  static_assert(std::is_same_v<client::result<void>, basic_result<void, client::client_error>>);
  static_assert(std::is_same_v<tools::result<int>, basic_result<int, tools::error>>);
  client::result<int> c = client::make_error(protocol::error_code::request_timed_out, "slow");
  EXPECT_EQ(c.error().code, protocol::error_code::request_timed_out);
  tools::status s = tools::usage("bad flag");
  EXPECT_TRUE(s.error().usage);
  EXPECT_EQ(s.error().message, "bad flag");
}

}  // namespace
}  // namespace sluice::base
