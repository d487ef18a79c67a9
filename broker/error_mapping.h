#pragma once
// The one place where module errors become Kafka error codes (STYLE.md rule 3):
// log/ reports std::error_code values of log::errc; responses carry
// protocol::error_code. Anything unexpected is UNKNOWN_SERVER_ERROR.

#include <system_error>

#include "protocol/error_code.h"

namespace sluice::broker {

protocol::error_code to_kafka_error(std::error_code ec) noexcept;

}  // namespace sluice::broker
