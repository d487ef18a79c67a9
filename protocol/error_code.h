#pragma once
// Kafka's protocol error codes: the int16 values every response carries. The
// numbers are Kafka's (clients/.../common/protocol/Errors.java) and can never
// change; the names are Kafka's too, so logs and client messages line up.
// Module errors (log/, the codec) are std::error_code values and are mapped to
// one of these in one place at the edge.

#include <cstdint>
#include <string_view>

namespace sluice::protocol {

enum class error_code : int16_t {
  unknown_server_error = -1,                   // unexpected failure on the broker
  none = 0,                                    // success
  offset_out_of_range = 1,                     // fetch offset outside [log start, log end]
  corrupt_message = 2,                         // batch failed CRC/size/structure checks
  unknown_topic_or_partition = 3,              // this broker does not host the partition
  invalid_fetch_size = 4,                      // fetch size is invalid
  leader_not_available = 5,                    // leadership election in progress
  not_leader_or_follower = 6,                  // this broker is not the partition's leader
  request_timed_out = 7,                       // the request timed out
  broker_not_available = 8,                    // the broker is not available
  replica_not_available = 9,                   // the replica is not available
  message_too_large = 10,                      // a batch larger than max.message.bytes
  stale_controller_epoch = 11,                 // the controller moved
  offset_metadata_too_large = 12,              // committed offset metadata too long
  network_exception = 13,                      // disconnected before the response
  coordinator_load_in_progress = 14,           // coordinator still loading its state
  coordinator_not_available = 15,              // coordinator not (yet) available
  not_coordinator = 16,                        // ask FindCoordinator again
  invalid_topic_exception = 17,                // illegal topic name
  record_list_too_large = 18,                  // batch larger than a segment
  not_enough_replicas = 19,                    // fewer in-sync replicas than required
  not_enough_replicas_after_append = 20,       // written, but to too few replicas
  invalid_required_acks = 21,                  // acks not in {-1, 0, 1}
  illegal_generation = 22,                     // stale group generation id
  inconsistent_group_protocol = 23,            // no protocol common to all members
  invalid_group_id = 24,                       // empty or illegal group id
  unknown_member_id = 25,                      // the coordinator does not know the member
  invalid_session_timeout = 26,                // outside group.{min,max}.session.timeout.ms
  rebalance_in_progress = 27,                  // rejoin needed
  invalid_commit_offset_size = 28,             // committed offset data size not valid
  topic_authorization_failed = 29,             // not authorized for the topic
  group_authorization_failed = 30,             // not authorized for the group
  cluster_authorization_failed = 31,           // not authorized for the cluster
  invalid_timestamp = 32,                      // record timestamp out of the accepted range
  unsupported_sasl_mechanism = 33,             // SASL mechanism not enabled
  illegal_sasl_state = 34,                     // request not valid in this SASL state
  unsupported_version = 35,                    // api version outside the broker's range
  topic_already_exists = 36,                   // CreateTopics on an existing name
  invalid_partitions = 37,                     // partition count below 1
  invalid_replication_factor = 38,             // replication factor below 1 or too high
  invalid_replica_assignment = 39,             // replica assignment invalid
  invalid_config = 40,                         // a configuration value is invalid
  not_controller = 41,                         // not the controller
  invalid_request = 42,                        // malformed request
  unsupported_for_message_format = 43,         // message format cannot carry this
  policy_violation = 44,                       // rejected by a configured policy
  out_of_order_sequence_number = 45,           // idempotent producer: sequence gap
  duplicate_sequence_number = 46,              // idempotent producer: duplicate batch
  invalid_producer_epoch = 47,                 // producer epoch older than the current one
  invalid_txn_state = 48,                      // transactional call in an invalid state
  invalid_producer_id_mapping = 49,            // producer id not assigned to the txn id
  invalid_transaction_timeout = 50,            // above transaction.max.timeout.ms
  concurrent_transactions = 51,                // another operation on the txn is ongoing
  transaction_coordinator_fenced = 52,         // txn coordinator no longer current
  transactional_id_authorization_failed = 53,  // not authorized for the txn id
  security_disabled = 54,                      // security features are disabled
  operation_not_attempted = 55,                // batch RPC: skipped after another failed
  kafka_storage_error = 56,                    // disk error; the log dir went offline
  log_dir_not_found = 57,                      // log directory not in the broker config
  sasl_authentication_failed = 58,             // SASL authentication failed
  unknown_producer_id = 59,                    // no state for this producer id
  reassignment_in_progress = 60,               // a partition reassignment is running
  delegation_token_auth_disabled = 61,         // delegation tokens are disabled
  delegation_token_not_found = 62,             // no such delegation token
  delegation_token_owner_mismatch = 63,        // principal is not owner/renewer
  delegation_token_request_not_allowed = 64,   // not on this channel type
  delegation_token_authorization_failed = 65,  // delegation token not authorized
  delegation_token_expired = 66,               // delegation token expired
  invalid_principal_type = 67,                 // principal type not supported
  non_empty_group = 68,                        // DeleteGroups on a group with members
  group_id_not_found = 69,                     // no such group
  fetch_session_id_not_found = 70,             // incremental fetch session unknown
  invalid_fetch_session_epoch = 71,            // incremental fetch session epoch wrong
  listener_not_found = 72,                     // no matching listener on the leader
  topic_deletion_disabled = 73,                // delete.topic.enable=false
  fenced_leader_epoch = 74,                    // request's leader epoch is older
  unknown_leader_epoch = 75,                   // request's leader epoch is newer
  unsupported_compression_type = 76,           // client cannot read this compression
  stale_broker_epoch = 77,                     // broker epoch changed
  offset_not_available = 78,                   // high watermark not caught up yet
  member_id_required = 79,                     // JoinGroup v4+: rejoin with the given id
  preferred_leader_not_available = 80,         // preferred leader not available
  group_max_size_reached = 81,                 // group.max.size reached
  fenced_instance_id = 82,                     // static member replaced by another member id
  eligible_leaders_not_available = 83,         // no eligible leader
  election_not_needed = 84,                    // leader election not needed
  no_reassignment_in_progress = 85,            // no reassignment to cancel
  group_subscribed_to_topic = 86,              // OffsetDelete on a subscribed topic
  invalid_record = 87,                         // a record failed broker validation
  unstable_offset_commit = 88,                 // pending transactional offsets
  throttling_quota_exceeded = 89,              // controller mutation quota exceeded
  producer_fenced = 90,                        // a newer producer has the txn id
  unknown_topic_id = 100,                      // this broker does not host the topic id
  transactional_id_not_found = 105,            // DescribeTransactions: no such id
  fenced_member_epoch = 110,                   // KIP-848/932: member must rejoin
  unreleased_instance_id = 111,                // KIP-848: instance id still held by a member
  unsupported_assignor = 112,                  // KIP-848: server assignor not configured
  stale_member_epoch = 113,                    // KIP-848: member epoch is stale
  mismatched_endpoint_type = 114,              // KIP-919: asked a broker for controllers
  unsupported_endpoint_type = 115,             // KIP-919: an endpoint type not known
  invalid_record_state = 121,                  // share ack on a record in the wrong state
  share_session_not_found = 122,               // share session unknown
  invalid_share_session_epoch = 123,           // share session epoch wrong
  fenced_state_epoch = 124,                    // share-group state epoch mismatch
  invalid_regular_expression = 128,            // KIP-848: SubscribedTopicRegex does not compile
  share_session_limit_reached = 133,           // too many share sessions
};

// Whether Kafka's client treats the error as retriable (its exception class
// derives from RetriableException): the same request may succeed later.
bool is_retriable(error_code e) noexcept;

// Kafka's UPPER_SNAKE name ("UNSUPPORTED_VERSION"); "UNKNOWN" for a code this
// table does not list.
std::string_view error_name(error_code e) noexcept;

// The code as it travels on the wire.
constexpr int16_t to_int(error_code e) noexcept { return static_cast<int16_t>(e); }

}  // namespace sluice::protocol
