#pragma once
// Errors of the storage engine, as std::error_code values (errors as values on
// every expected path). broker/ maps them to Kafka error codes in one place.

#include <system_error>

#include "base/result.h"

namespace sluice::log {

enum class errc {
  ok = 0,
  corrupt_batch = 1,    // a RecordBatch failed validation (length, magic, CRC, counts)
  batch_too_large,      // larger than max.message.bytes
  invalid_timestamp,    // timestamp outside the allowed range
  offset_out_of_range,  // read or seek outside [log start offset, log end offset]
  storage_offline,      // the log directory went offline after an I/O error
  io_error,             // an I/O call failed (the errno is logged where it happened)
  no_space,             // ENOSPC
  corrupt_file,         // a checkpoint or index failed its checks
  not_found,            // no such partition / file
  already_exists,       // the partition exists
  invalid_argument,     // a caller passed something meaningless (negative size, ...)
  // Idempotent and transactional producers (log/producer_state.h).
  out_of_order_sequence,   // a sequence gap, or a new epoch not starting at 0
  invalid_producer_epoch,  // an epoch older than the producer's current one
  invalid_txn_state,       // a non-transactional batch inside an ongoing transaction
  coordinator_fenced,      // a marker from an older transaction coordinator epoch
};

const std::error_category& log_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), log_category()};
}

// A value or an error: the storage engine's return type on expected paths. An
// errc converts to the error on return (`return errc::not_found;`).
template <class T>
using result = base::basic_result<T, std::error_code>;

}  // namespace sluice::log

template <>
struct std::is_error_code_enum<sluice::log::errc> : std::true_type {};
