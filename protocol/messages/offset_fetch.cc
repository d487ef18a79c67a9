#include "protocol/messages/offset_fetch.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};           // name, partition array
constexpr element_size min_partition_bytes{15, 16};     // index, offset, metadata, error_code
constexpr element_size min_request_group_bytes{2, 6};   // group_id, topics (v8+ only)
constexpr element_size min_response_group_bytes{4, 8};  // group_id, topics, error_code

using request_topics = std::optional<std::vector<offset_fetch_request::offset_fetch_request_topic>>;
using response_topics = std::vector<offset_fetch_response::offset_fetch_response_topic>;

void read_request_topics(reader& r, request_topics& topics, bool nullable) {
  auto read_topic = [&](offset_fetch_request::offset_fetch_request_topic& t) {
    t.name = r.string();
    r.array(t.partition_indexes, 4, [&](int32_t& p) { p = r.int32(); });
    r.skip_tagged_fields();
  };
  if (nullable) {
    r.nullable_array(topics, min_topic_bytes.in(r), read_topic);
  } else {
    r.array(topics.emplace(), min_topic_bytes.in(r), read_topic);
  }
}

void write_request_topics(writer& w, const request_topics& topics, bool nullable) {
  if (!nullable && !topics) w.fail(codec_errc::unexpected_null);
  w.nullable_array(topics, [&](const offset_fetch_request::offset_fetch_request_topic& t) {
    w.string(t.name);
    w.array(t.partition_indexes, [&](int32_t p) { w.int32(p); });
    w.empty_tagged_fields();
  });
}

void read_response_topics(reader& r, response_topics& topics, int16_t version) {
  r.array(topics, min_topic_bytes.in(r),
          [&](offset_fetch_response::offset_fetch_response_topic& t) {
            t.name = r.string();
            r.array(t.partitions, min_partition_bytes.in(r),
                    [&](offset_fetch_response::offset_fetch_response_partition& p) {
                      p.partition_index = r.int32();
                      p.committed_offset = r.int64();
                      if (version >= 5) p.committed_leader_epoch = r.int32();
                      p.metadata = r.nullable_string();
                      p.error_code = static_cast<protocol::error_code>(r.int16());
                      r.skip_tagged_fields();
                    });
            r.skip_tagged_fields();
          });
}

void write_response_topics(writer& w, const response_topics& topics, int16_t version) {
  w.array(topics, [&](const offset_fetch_response::offset_fetch_response_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const offset_fetch_response::offset_fetch_response_partition& p) {
      w.int32(p.partition_index);
      w.int64(p.committed_offset);
      if (version >= 5) w.int32(p.committed_leader_epoch);
      w.nullable_string(p.metadata);
      w.int16(to_int(p.error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
}

}  // namespace

void offset_fetch_request::decode(reader& r, int16_t version) {
  if (version <= 7) {
    group_id = r.string();
    read_request_topics(r, topics, version >= 2);
  } else {
    r.array(groups, min_request_group_bytes.in(r), [&](offset_fetch_request_group& g) {
      g.group_id = r.string();
      if (version >= 9) {
        g.member_id = r.nullable_string();
        g.member_epoch = r.int32();
      }
      read_request_topics(r, g.topics, true);
      r.skip_tagged_fields();
    });
  }
  if (version >= 7) require_stable = r.boolean();
  r.skip_tagged_fields();
}

void offset_fetch_request::encode(writer& w, int16_t version) const {
  if (version <= 7) {
    w.string(group_id);
    write_request_topics(w, topics, version >= 2);
  } else {
    w.array(groups, [&](const offset_fetch_request_group& g) {
      w.string(g.group_id);
      if (version >= 9) {
        w.nullable_string(g.member_id);
        w.int32(g.member_epoch);
      }
      write_request_topics(w, g.topics, true);
      w.empty_tagged_fields();
    });
  }
  if (version >= 7) w.boolean(require_stable);
  w.empty_tagged_fields();
}

void offset_fetch_response::decode(reader& r, int16_t version) {
  if (version >= 3) throttle_time_ms = r.int32();
  if (version <= 7) {
    read_response_topics(r, topics, version);
    if (version >= 2) error_code = static_cast<protocol::error_code>(r.int16());
  } else {
    r.array(groups, min_response_group_bytes.in(r), [&](offset_fetch_response_group& g) {
      g.group_id = r.string();
      read_response_topics(r, g.topics, version);
      g.error_code = static_cast<protocol::error_code>(r.int16());
      r.skip_tagged_fields();
    });
  }
  r.skip_tagged_fields();
}

void offset_fetch_response::encode(writer& w, int16_t version) const {
  if (version >= 3) w.int32(throttle_time_ms);
  if (version <= 7) {
    write_response_topics(w, topics, version);
    if (version >= 2) w.int16(to_int(error_code));
  } else {
    w.array(groups, [&](const offset_fetch_response_group& g) {
      w.string(g.group_id);
      write_response_topics(w, g.topics, version);
      w.int16(to_int(g.error_code));
      w.empty_tagged_fields();
    });
  }
  w.empty_tagged_fields();
}

offset_fetch_response::offset_fetch_response_group single_group(const offset_fetch_response& r,
                                                                std::string_view group_id) {
  for (const auto& g : r.groups) {
    if (g.group_id == group_id) return g;
  }
  return {std::string(group_id), r.topics, r.error_code};
}

}  // namespace sluice::protocol
