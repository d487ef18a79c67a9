#include "log/io/file_handle.h"

#include <unistd.h>

namespace sluice::log::io {

void file_handle::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace sluice::log::io
