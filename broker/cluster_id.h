#pragma once
// The cluster id: a stable string that Metadata v2+ returns (librdkafka test
// 0063 expects one), kept in `meta.properties` in every log dir as Kafka does:
//
//   # Written by sluice-broker at first start. Do not edit.
//   version=1
//   cluster.id=<22 characters: 16 random bytes, base64url without padding>
//   node.id=<node.id>
//
// The first dir that has the file gives the id; dirs without it get it written
// (temp file, fsync, rename, dir fsync). A node.id that differs from the file
// is reported, not fatal: a single node has nobody to confuse.
//
// Thread: start-up only, on the main thread.

#include <cstdint>
#include <string>
#include <vector>

#include "log/errors.h"

namespace sluice::broker {

struct cluster_identity {
  std::string cluster_id;
  std::vector<std::string> warnings;
};

log::result<cluster_identity> load_or_create_cluster_id(const std::vector<std::string>& log_dirs,
                                                        int32_t node_id);

}  // namespace sluice::broker
