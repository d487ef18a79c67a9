#include "log/io/errno_map.h"

#include <cerrno>

#include "log/errors.h"

namespace sluice::log::io {

std::error_code error_from_errno(int err) noexcept {
  switch (err) {
    case 0:
      return {};
    // A full quota is a full disk as far as the log is concerned: both are
    // fixed by freeing space, so neither takes the directory offline when a
    // write hits it (partition_log_write.cc; an fdatasync error still does).
    case ENOSPC:
    case EDQUOT:
      return make_error_code(errc::no_space);
    case EEXIST:
      return make_error_code(errc::already_exists);
    case ENOENT:
      return make_error_code(errc::not_found);
    default:
      return make_error_code(errc::io_error);
  }
}

}  // namespace sluice::log::io
