#pragma once
// Errors as values for the client library.
//
// Every operation that can fail for a reason the caller should handle (a
// broker answer, a lost connection, a timeout, bad input) returns a
// result<T>: either a T or a client_error. A client_error carries one of
// Kafka's error codes, so a caller can test `code ==
// protocol::error_code::unknown_topic_or_partition`, and a message that starts
// with Kafka's name for the code ("UNKNOWN_TOPIC_OR_PARTITION: topic 'x'
// partition 3"), ready to print.
//
// Failures that happen in the client rather than on a broker are mapped onto
// the nearest Kafka code, as Kafka's Java client does:
//   connection refused / closed / reset   network_exception
//   no answer within request_timeout       request_timed_out
//   bad CRC or truncated batch in a fetch  corrupt_message
//   malformed frame or body from a broker  corrupt_message
//   invalid argument from the caller       invalid_request (invalid_config for configs)
//   record larger than the batch limit     message_too_large
//
// Values only: no threads, no I/O.

#include <string>
#include <string_view>

#include "base/result.h"
#include "protocol/error_code.h"

namespace sluice::client {

struct client_error {
  protocol::error_code code = protocol::error_code::unknown_server_error;
  std::string message;  // "KAFKA_NAME: what happened"

  // Whether retrying the same operation later may succeed (Kafka's
  // RetriableException classes: not leader, timeouts, network, ...).
  bool retriable() const noexcept { return protocol::is_retriable(code); }
  friend bool operator==(const client_error&, const client_error&) = default;
};

// "NAME: detail" (or "NAME" when detail is empty).
client_error make_error(protocol::error_code code, std::string_view detail = {});

// A T or a client_error (result<void>: success without a value). Access is
// checked in every build type (base/result.h).
template <class T>
using result = base::basic_result<T, client_error>;

}  // namespace sluice::client
