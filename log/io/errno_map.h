#pragma once
// The one translation from an errno value to the storage engine's error codes,
// shared by every I/O backend so that the same kernel error always means the
// same thing to the layers above (and to the Kafka error mapping in broker/).

#include <system_error>

namespace sluice::log::io {

// ENOSPC and EDQUOT → errc::no_space, EEXIST → already_exists,
// ENOENT → not_found, 0 → success, anything else → io_error.
std::error_code error_from_errno(int err) noexcept;

}  // namespace sluice::log::io
