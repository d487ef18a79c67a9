#include "broker/error_mapping.h"

#include "log/errors.h"

namespace sluice::broker {

protocol::error_code to_kafka_error(std::error_code ec) noexcept {
  using protocol::error_code;
  if (!ec) return error_code::none;
  if (ec.category() != log::log_category()) return error_code::unknown_server_error;
  switch (static_cast<log::errc>(ec.value())) {
    case log::errc::ok:
      return error_code::none;
    case log::errc::corrupt_batch:
      return error_code::corrupt_message;
    case log::errc::batch_too_large:
      return error_code::message_too_large;
    case log::errc::invalid_timestamp:
      return error_code::invalid_timestamp;
    case log::errc::offset_out_of_range:
      return error_code::offset_out_of_range;
    // A failed disk takes its log dir offline (RELIABILITY.md principle 5);
    // clients see KAFKA_STORAGE_ERROR, which they treat as retriable. A full
    // disk (no_space) does not go offline: the same code makes producers
    // retry until space is back (docs/decisions.md D22).
    case log::errc::storage_offline:
    case log::errc::io_error:
    case log::errc::no_space:
    case log::errc::corrupt_file:
      return error_code::kafka_storage_error;
    case log::errc::not_found:
      return error_code::unknown_topic_or_partition;
    case log::errc::already_exists:
      return error_code::topic_already_exists;
    case log::errc::invalid_argument:
      return error_code::invalid_request;
    // A producer's sequence or epoch refused by the partition (log/producer_state.h).
    case log::errc::out_of_order_sequence:
      return error_code::out_of_order_sequence_number;
    case log::errc::invalid_producer_epoch:
      return error_code::invalid_producer_epoch;
    case log::errc::invalid_txn_state:
      return error_code::invalid_txn_state;
    case log::errc::coordinator_fenced:
      return error_code::transaction_coordinator_fenced;
  }
  return error_code::unknown_server_error;
}

}  // namespace sluice::broker
