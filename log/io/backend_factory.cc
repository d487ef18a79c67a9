// The three constructors of io_backend.h. make_default_backend is where the
// engine decides between io_uring and plain system calls, once, at start-up.

#include "log/io/io_backend.h"
#include "log/io/posix_backend.h"
#include "log/io/uring_backend.h"

namespace sluice::log::io {

std::unique_ptr<io_backend> make_posix_backend() { return std::make_unique<posix_backend>(); }

std::unique_ptr<io_backend> make_uring_backend(const backend_options& opts, std::string* why) {
  return uring_backend::create(opts, why);
}

std::unique_ptr<io_backend> make_default_backend(const backend_options& opts, std::string* chosen) {
  std::string why;
  if (auto uring = uring_backend::create(opts, &why)) {
    if (chosen != nullptr) *chosen = "io_uring (probed: " + uring->probed() + ")";
    return uring;
  }
  if (chosen != nullptr) *chosen = "posix (io_uring unavailable: " + why + ")";
  return make_posix_backend();
}

}  // namespace sluice::log::io
