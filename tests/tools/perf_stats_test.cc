#include "tools/perf_stats.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

TEST(latency_histogram, percentiles_within_the_bucket_precision) {
  latency_histogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.max(), 100000u);
  EXPECT_NEAR(h.mean(), 50000.5, 0.01);
  for (double p : {0.5, 0.95, 0.99, 0.999}) {
    double exact = p * 100000;
    EXPECT_NEAR(static_cast<double>(h.percentile(p)), exact, exact / 60) << p;
  }
  EXPECT_EQ(h.percentile(1.0), 100000u);
  latency_histogram small;
  for (uint64_t v : {3, 1, 2}) small.record(v);
  EXPECT_EQ(small.percentile(0.5), 2u);  // exact below 128
}

TEST(latency_histogram, cdf_rises_to_one) {
  latency_histogram h;
  for (uint64_t v : {10, 10, 20, 5000}) h.record(v);
  auto cdf = h.cdf();
  ASSERT_EQ(cdf.size(), 3u);
  EXPECT_EQ(cdf[0], (std::pair<uint64_t, double>{10, 0.5}));
  EXPECT_DOUBLE_EQ(cdf[1].second, 0.75);
  EXPECT_EQ(cdf[2].first, 5000u);
  EXPECT_DOUBLE_EQ(cdf[2].second, 1.0);
}

TEST(perf_stats, windows_roll_every_interval) {
  const int64_t s = 1'000'000'000;
  perf_stats st(0, 5 * s);
  st.record(2000, 100);
  st.record(4000, 100);
  EXPECT_FALSE(st.roll_window(4 * s));
  EXPECT_TRUE(st.roll_window(5 * s));
  ASSERT_EQ(st.windows().size(), 1u);
  const auto& w = st.windows()[0];
  EXPECT_EQ(w.records, 2u);
  EXPECT_DOUBLE_EQ(w.avg_latency_ms, 3.0);
  EXPECT_DOUBLE_EQ(w.max_latency_ms, 4.0);
  EXPECT_EQ(window_line(w),
            "2 records sent, 0.4 records/sec (0.00 MB/sec), 3.0 ms avg latency, 4.0 ms "
            "max latency.");
}

TEST(perf_stats, final_line_matches_kafka_producer_perf_test) {
  perf_stats st(0);
  for (int i = 0; i < 1000; ++i) st.record(1000 * (i % 10 + 1), 1048576 / 1000);
  auto sum = st.summary(2'000'000'000);
  EXPECT_EQ(
      final_line(sum),
      "1000 records sent, 500.000000 records/sec (0.50 MB/sec), 5.50 ms avg latency, 10.00 ms "
      "max latency, 5 ms 50th, 10 ms 95th, 10 ms 99th, 10 ms 99.9th.");
  auto json = summary_json("produce", sum, st.windows());
  EXPECT_NE(json.find("\"records\":1000"), std::string::npos);
  EXPECT_NE(json.find("\"p99_ms\":10.000"), std::string::npos);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
}

}  // namespace
}  // namespace sluice::tools
