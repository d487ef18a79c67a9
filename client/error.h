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

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

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

// A T or a client_error. Like C++23's std::expected, reduced to what the
// library needs; GCC 12's libstdc++ has no <expected> in C++20 mode.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}             // NOLINT
  result(client_error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const client_error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  client_error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, client_error> v_;
};

// Success without a value, or a client_error. Default-constructed is success.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(client_error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const client_error& error() const& {
    assert(!ok());
    return error_;
  }
  client_error&& error() && {
    assert(!ok());
    return std::move(error_);
  }

 private:
  client_error error_;
  bool failed_ = false;
};

}  // namespace sluice::client
