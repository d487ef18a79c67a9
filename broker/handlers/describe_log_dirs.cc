// DescribeLogDirs (35), v0-4 (v2+ flexible): each log directory (log.dirs)
// with the partitions it holds and their size in bytes on disk (every
// segment's log file). Null topics: every partition; otherwise the asked
// partitions that exist (unknown ones are left out, as Kafka does). One
// replica per partition, so offset_lag is 0 and is_future_key false. A
// directory taken offline after an I/O error answers KAFKA_STORAGE_ERROR and
// no partitions. v4: total_bytes and usable_bytes of the directory's file
// system (statvfs; -1 when it cannot be read). The partition size is what
// partition_log already keeps: no file is opened or stat'ed per partition.
#include <sys/statvfs.h>

#include <filesystem>
#include <map>
#include <set>

#include "broker/api_table.h"
#include "broker/topic_table.h"
#include "log/file_names.h"
#include "protocol/message.h"
#include "protocol/messages/describe_log_dirs.h"

namespace sluice::broker {
namespace {

using protocol::describe_log_dirs_request;
using protocol::describe_log_dirs_response;

std::string normal(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

// The partitions to describe: every one, or those asked for.
std::map<std::string, std::set<int32_t>> wanted(topic_table& topics,
                                                const describe_log_dirs_request& body) {
  std::map<std::string, std::set<int32_t>> out;
  if (!body.topics) {
    for (const std::string& t : topics.topic_names()) {
      auto ids = topics.partitions(t);
      if (ids) out[t].insert(ids->begin(), ids->end());
    }
    return out;
  }
  for (const auto& t : *body.topics) {
    for (int32_t p : t.partitions) {
      if (topics.get(t.topic, p) != nullptr) out[t.topic].insert(p);
    }
  }
  return out;
}

void space_of(const std::string& dir, describe_log_dirs_response::describe_log_dirs_result& r) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return;  // stays -1: unknown
  r.total_bytes = static_cast<int64_t>(st.f_blocks) * static_cast<int64_t>(st.f_frsize);
  r.usable_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

}  // namespace

void handle_describe_log_dirs(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  describe_log_dirs_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  topic_table& topics = shard.topics();
  const auto& dirs = topics.logs().log_dirs();
  describe_log_dirs_response resp;
  std::map<std::string, size_t> result_of;  // normalised dir -> index in results
  for (const std::string& dir : dirs) {
    result_of[normal(dir)] = resp.results.size();
    auto& r = resp.results.emplace_back();
    r.log_dir = dir;
    if (topics.logs().dir_offline(dir)) r.error_code = protocol::error_code::kafka_storage_error;
    if (version >= 4) space_of(dir, r);
  }
  for (const auto& [topic, ids] : wanted(topics, body)) {
    for (int32_t id : ids) {
      const log::partition_log* p = topics.get(topic, id);
      if (p == nullptr) continue;
      auto at = result_of.find(normal(log::file_names::parent_dir(p->dir())));
      if (at == result_of.end()) continue;
      auto& r = resp.results[at->second];
      if (r.error_code != protocol::error_code::none) continue;
      if (r.topics.empty() || r.topics.back().name != topic) r.topics.push_back({topic, {}});
      r.topics.back().partitions.push_back({id, static_cast<int64_t>(p->size_bytes()), 0, false});
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
