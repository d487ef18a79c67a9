#include "tools/offset_spec.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

using kind = offset_position::kind;
constexpr int64_t now = 1'800'000'000'000;

offset_spec parse(std::string_view s) {
  auto r = parse_offset_spec(s, now);
  EXPECT_TRUE(r) << s << ": " << (r ? "" : r.error().message);
  return r ? *r : offset_spec{};
}

TEST(offset_spec, names_offsets_and_counts_from_the_end) {
  EXPECT_EQ(parse("beginning").start, (offset_position{kind::beginning, 0}));
  EXPECT_EQ(parse("end").start, (offset_position{kind::end, 0}));
  EXPECT_EQ(parse("42").start, (offset_position{kind::absolute, 42}));
  EXPECT_EQ(parse("-10").start, (offset_position{kind::from_end, 10}));
  EXPECT_FALSE(parse("42").stop);
}

TEST(offset_spec, times_in_ms_relative_and_iso) {
  EXPECT_EQ(parse("@1700000000000").start, (offset_position{kind::timestamp, 1700000000000}));
  EXPECT_EQ(parse("@-1h").start, (offset_position{kind::timestamp, now - 3600000}));
  EXPECT_EQ(parse("@-30m").start.value, now - 1800000);
  EXPECT_EQ(parse("@2026-11-21T10:00:00Z").start.value, 1795255200000);
  EXPECT_EQ(parse("@2026-11-21T10:00:00.250Z").start.value, 1795255200250);
  EXPECT_EQ(parse("@2026-11-21T12:00:00+02:00").start.value, 1795255200000);
}

TEST(offset_spec, ranges_of_offsets_and_of_times) {
  auto r = parse("10:20");
  EXPECT_EQ(r.start, (offset_position{kind::absolute, 10}));
  EXPECT_EQ(*r.stop, (offset_position{kind::absolute, 20}));
  auto b = parse("beginning:-5");
  EXPECT_EQ(*b.stop, (offset_position{kind::from_end, 5}));
  auto t = parse("@2026-11-21T10:00:00Z:2026-11-21T11:00:00Z");
  EXPECT_EQ(t.start.value, 1795255200000);
  EXPECT_EQ(t.stop->value, 1795258800000);
  auto t2 = parse("@1000:@2000");
  EXPECT_EQ(t2.stop->value, 2000);
  auto rel = parse("@-2h:-1h");
  EXPECT_EQ(rel.start.value, now - 7200000);
  EXPECT_EQ(rel.stop->value, now - 3600000);
}

TEST(offset_spec, kcat_start_and_end_times) {
  auto s = parse("s@1000");
  EXPECT_EQ(s.start, (offset_position{kind::timestamp, 1000}));
  EXPECT_FALSE(s.stop);
  auto e = parse("e@2000");
  EXPECT_EQ(e.start, (offset_position{kind::beginning, 0}));
  EXPECT_EQ(*e.stop, (offset_position{kind::timestamp, 2000}));
  // -o s@1000 -o e@2000 arrive joined with ':', in either order.
  for (auto both : {"s@1000:e@2000", "e@2000:s@1000"}) {
    auto b = parse(both);
    EXPECT_EQ(b.start, (offset_position{kind::timestamp, 1000})) << both;
    EXPECT_EQ(*b.stop, (offset_position{kind::timestamp, 2000})) << both;
  }
  auto iso = parse("s@2026-11-21T10:00:00Z:e@2026-11-21T11:00:00Z");
  EXPECT_EQ(iso.start.value, 1795255200000);
  EXPECT_EQ(iso.stop->value, 1795258800000);
  auto from_offset = parse("5:e@2000");
  EXPECT_EQ(from_offset.start, (offset_position{kind::absolute, 5}));
  EXPECT_EQ(*from_offset.stop, (offset_position{kind::timestamp, 2000}));
  for (auto bad : {"s@", "e@", "e@soon", "s@2000:e@1000"}) {
    auto r = parse_offset_spec(bad, now);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_TRUE(r.error().usage) << bad;
    }
  }
}

TEST(offset_spec, bad_input_is_an_error_not_a_guess) {
  for (auto bad : {"", "soon", "12x", "@", "@yesterday", "@-1y", "20:10", "@2000:1000",
                   "@2026-13-01T00:00:00Z", "1:2:3", "@1000:x"}) {
    auto r = parse_offset_spec(bad, now);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

TEST(offset_spec, durations_short_and_iso) {
  EXPECT_EQ(*parse_duration_ms("90s"), 90000);
  EXPECT_EQ(*parse_duration_ms("2d"), 172800000);
  EXPECT_EQ(*parse_duration_ms("PT1H30M"), 5400000);
  EXPECT_EQ(*parse_duration_ms("P1DT1S"), 86401000);
  EXPECT_FALSE(parse_duration_ms("P"));
  EXPECT_FALSE(parse_duration_ms("1w"));
}

TEST(offset_spec, resolves_against_partition_bounds) {
  partition_bounds b{100, 200};
  EXPECT_EQ(resolve({kind::beginning, 0}, b), 100);
  EXPECT_EQ(resolve({kind::end, 0}, b), 200);
  EXPECT_EQ(resolve({kind::absolute, 150}, b), 150);
  EXPECT_EQ(resolve({kind::absolute, 5}, b), 100);
  EXPECT_EQ(resolve({kind::from_end, 10}, b), 190);
  EXPECT_EQ(resolve({kind::from_end, 1000}, b), 100);
  EXPECT_EQ(resolve({kind::timestamp, 1}, b, 120), 120);
  EXPECT_EQ(resolve({kind::timestamp, 1}, b, -1), 200);  // nothing that late: the end
}

TEST(offset_spec, formats_utc_times) {
  EXPECT_EQ(format_time_utc(1795255200000), "2026-11-21T10:00:00Z");
  EXPECT_EQ(format_time_utc(1795255200250), "2026-11-21T10:00:00.250Z");
}

}  // namespace
}  // namespace sluice::tools
