#include "broker/cluster_id.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "log/file_names.h"
#include "protocol/uuid.h"

namespace sluice::broker {
namespace {

constexpr const char* file_name = "meta.properties";

// key -> value of a properties file; empty when absent.
std::vector<std::pair<std::string, std::string>> read_properties(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return out;
}

bool sync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::error_code write_atomically(const std::string& dir, const std::string& text) {
  const std::string path = log::file_names::join(dir, file_name);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return log::errc::io_error;
  }
  if (!sync_path(tmp, O_RDONLY) || std::rename(tmp.c_str(), path.c_str()) != 0 ||
      !sync_path(dir, O_RDONLY | O_DIRECTORY)) {
    return log::errc::io_error;
  }
  return {};
}

}  // namespace

log::result<cluster_identity> load_or_create_cluster_id(const std::vector<std::string>& log_dirs,
                                                        int32_t node_id) {
  cluster_identity id;
  std::vector<std::string> missing;
  for (const auto& dir : log_dirs) {
    auto props = read_properties(log::file_names::join(dir, file_name));
    std::string cluster, node;
    for (const auto& [k, v] : props) {
      if (k == "cluster.id") cluster = v;
      if (k == "node.id" || k == "broker.id") node = v;
    }
    if (cluster.empty()) {
      missing.push_back(dir);
      continue;
    }
    if (id.cluster_id.empty()) id.cluster_id = cluster;
    if (cluster != id.cluster_id) {
      id.warnings.push_back(log::file_names::join(dir, file_name) + " names cluster " + cluster +
                            ", not " + id.cluster_id);
    }
    if (!node.empty() && node != std::to_string(node_id)) {
      id.warnings.push_back(log::file_names::join(dir, file_name) + " was written by node.id " +
                            node + ", now running as " + std::to_string(node_id));
    }
  }
  if (id.cluster_id.empty())
    id.cluster_id = protocol::to_base64url(protocol::random_uuid());  // as Kafka's
  std::ostringstream text;
  text << "# Written by sluice-broker at first start. Do not edit.\nversion=1\ncluster.id="
       << id.cluster_id << "\nnode.id=" << node_id << "\n";
  for (const auto& dir : missing) {
    if (auto ec = write_atomically(dir, text.str())) return ec;
  }
  return id;
}

}  // namespace sluice::broker
