#include "protocol/error_code.h"

#include <gtest/gtest.h>

namespace sluice::protocol {
namespace {

TEST(error_code, values_are_kafkas) {
  EXPECT_EQ(to_int(error_code::unknown_server_error), -1);
  EXPECT_EQ(to_int(error_code::none), 0);
  EXPECT_EQ(to_int(error_code::offset_out_of_range), 1);
  EXPECT_EQ(to_int(error_code::corrupt_message), 2);
  EXPECT_EQ(to_int(error_code::unknown_topic_or_partition), 3);
  EXPECT_EQ(to_int(error_code::not_leader_or_follower), 6);
  EXPECT_EQ(to_int(error_code::message_too_large), 10);
  EXPECT_EQ(to_int(error_code::not_coordinator), 16);
  EXPECT_EQ(to_int(error_code::invalid_topic_exception), 17);
  EXPECT_EQ(to_int(error_code::rebalance_in_progress), 27);
  EXPECT_EQ(to_int(error_code::unsupported_version), 35);
  EXPECT_EQ(to_int(error_code::invalid_config), 40);
  EXPECT_EQ(to_int(error_code::invalid_request), 42);
  EXPECT_EQ(to_int(error_code::invalid_producer_epoch), 47);
  EXPECT_EQ(to_int(error_code::kafka_storage_error), 56);
  EXPECT_EQ(to_int(error_code::unknown_producer_id), 59);
  EXPECT_EQ(to_int(error_code::non_empty_group), 68);
  EXPECT_EQ(to_int(error_code::group_id_not_found), 69);
  EXPECT_EQ(to_int(error_code::member_id_required), 79);
  EXPECT_EQ(to_int(error_code::fenced_instance_id), 82);
  EXPECT_EQ(to_int(error_code::group_subscribed_to_topic), 86);
  EXPECT_EQ(to_int(error_code::invalid_record), 87);
  EXPECT_EQ(to_int(error_code::unstable_offset_commit), 88);
  EXPECT_EQ(to_int(error_code::invalid_record_state), 121);
  EXPECT_EQ(to_int(error_code::share_session_not_found), 122);
  EXPECT_EQ(to_int(error_code::invalid_share_session_epoch), 123);
  EXPECT_EQ(to_int(error_code::fenced_state_epoch), 124);
  EXPECT_EQ(to_int(error_code::share_session_limit_reached), 133);
}

TEST(error_code, names_are_kafkas_upper_snake_case) {
  EXPECT_EQ(error_name(error_code::none), "NONE");
  EXPECT_EQ(error_name(error_code::unknown_server_error), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(error_name(error_code::unsupported_version), "UNSUPPORTED_VERSION");
  EXPECT_EQ(error_name(error_code::invalid_topic_exception), "INVALID_TOPIC_EXCEPTION");
  EXPECT_EQ(error_name(error_code::not_leader_or_follower), "NOT_LEADER_OR_FOLLOWER");
  EXPECT_EQ(error_name(error_code::share_session_limit_reached), "SHARE_SESSION_LIMIT_REACHED");
  EXPECT_EQ(error_name(static_cast<error_code>(30000)), "UNKNOWN");
}

TEST(error_code, retriable_errors_follow_kafkas_exception_classes) {
  EXPECT_TRUE(is_retriable(error_code::corrupt_message));
  EXPECT_TRUE(is_retriable(error_code::unknown_topic_or_partition));
  EXPECT_TRUE(is_retriable(error_code::leader_not_available));
  EXPECT_TRUE(is_retriable(error_code::not_leader_or_follower));
  EXPECT_TRUE(is_retriable(error_code::request_timed_out));
  EXPECT_TRUE(is_retriable(error_code::coordinator_load_in_progress));
  EXPECT_TRUE(is_retriable(error_code::coordinator_not_available));
  EXPECT_TRUE(is_retriable(error_code::not_coordinator));
  EXPECT_TRUE(is_retriable(error_code::not_enough_replicas));
  EXPECT_TRUE(is_retriable(error_code::kafka_storage_error));
  EXPECT_TRUE(is_retriable(error_code::unstable_offset_commit));
  EXPECT_TRUE(is_retriable(error_code::share_session_not_found));

  EXPECT_FALSE(is_retriable(error_code::none));
  EXPECT_FALSE(is_retriable(error_code::unknown_server_error));
  EXPECT_FALSE(is_retriable(error_code::offset_out_of_range));
  EXPECT_FALSE(is_retriable(error_code::message_too_large));
  EXPECT_FALSE(is_retriable(error_code::rebalance_in_progress));
  EXPECT_FALSE(is_retriable(error_code::unsupported_version));
  EXPECT_FALSE(is_retriable(error_code::invalid_request));
  EXPECT_FALSE(is_retriable(error_code::out_of_order_sequence_number));
  EXPECT_FALSE(is_retriable(error_code::duplicate_sequence_number));
  EXPECT_FALSE(is_retriable(error_code::invalid_record_state));
  EXPECT_FALSE(is_retriable(static_cast<error_code>(30000)));
}

}  // namespace
}  // namespace sluice::protocol
