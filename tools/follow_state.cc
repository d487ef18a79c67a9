#include "tools/follow_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice::tools {
namespace {

std::string errno_text() { return std::strerror(errno); }

status fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return fail("cannot open " + path + ": " + errno_text());
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return fail("cannot fsync " + path + ": " + std::strerror(saved));
  return ok;
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string default_state_path(const std::string& followed) { return followed + ".sluice-follow"; }

result<std::optional<follow_state>> load_follow_state(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<follow_state>{};
    return fail("cannot read follow state " + path + ": " + errno_text());
  }
  std::string magic;
  int version = 0;
  follow_state s;
  std::string fp_hex;
  in >> magic >> version >> s.device >> s.inode >> s.position >> s.fingerprint_length >> fp_hex;
  char* end = nullptr;
  if (in && !fp_hex.empty()) s.fingerprint = std::strtoull(fp_hex.c_str(), &end, 16);
  if (!in || magic != "sluice-follow" || version != 1 || s.position < 0 || !end || *end != '\0' ||
      s.fingerprint_length > fingerprint_max)
    return fail("follow state " + path +
                " is malformed; delete it to start the file from the beginning");
  return std::optional<follow_state>{s};
}

status save_follow_state(const std::string& path, const follow_state& s) {
  char line[160];
  int n = std::snprintf(line, sizeof line,
                        "sluice-follow 1 %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRIu32
                        " %016" PRIx64 "\n",
                        s.device, s.inode, s.position, s.fingerprint_length, s.fingerprint);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot write follow state " + tmp + ": " + errno_text());
  bool written = ::write(fd, line, n) == n && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!written) return fail("cannot write follow state " + tmp + ": " + std::strerror(saved));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("cannot rename " + tmp + " to " + path + ": " + errno_text());
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  return fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace sluice::tools
