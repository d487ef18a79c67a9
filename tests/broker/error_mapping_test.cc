#include "broker/error_mapping.h"

#include <gtest/gtest.h>

#include "log/errors.h"

namespace sluice::broker {
namespace {

using protocol::error_code;

TEST(error_mapping, log_errors_map_to_kafka_codes) {
  EXPECT_EQ(to_kafka_error({}), error_code::none);
  EXPECT_EQ(to_kafka_error(log::errc::corrupt_batch), error_code::corrupt_message);
  EXPECT_EQ(to_kafka_error(log::errc::batch_too_large), error_code::message_too_large);
  EXPECT_EQ(to_kafka_error(log::errc::invalid_timestamp), error_code::invalid_timestamp);
  EXPECT_EQ(to_kafka_error(log::errc::offset_out_of_range), error_code::offset_out_of_range);
  EXPECT_EQ(to_kafka_error(log::errc::not_found), error_code::unknown_topic_or_partition);
  EXPECT_EQ(to_kafka_error(log::errc::already_exists), error_code::topic_already_exists);
  EXPECT_EQ(to_kafka_error(log::errc::invalid_argument), error_code::invalid_request);
}

TEST(error_mapping, disk_failures_are_kafka_storage_error) {
  for (auto e : {log::errc::storage_offline, log::errc::io_error, log::errc::no_space,
                 log::errc::corrupt_file}) {
    EXPECT_EQ(to_kafka_error(e), error_code::kafka_storage_error) << static_cast<int>(e);
    EXPECT_TRUE(protocol::is_retriable(to_kafka_error(e)));
  }
}

TEST(error_mapping, foreign_errors_are_unknown_server_error) {
  EXPECT_EQ(to_kafka_error(std::make_error_code(std::errc::io_error)),
            error_code::unknown_server_error);
}

}  // namespace
}  // namespace sluice::broker
