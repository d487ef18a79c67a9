#pragma once
// Topic ids for the share-group APIs, which name topics only by id.
//
// Sluice's topics have no stored id yet (Metadata v10+, which carries them,
// is not served), so a topic's id is derived from its name: two 64-bit FNV-1a
// hashes with different offsets, the version nibble set to 8 (RFC 9562's
// custom layout). It is stable across restarts and brokers; a topic deleted
// and re-created under the same name gets the same id, which is the one
// difference from Kafka (docs/share-groups.md "Topic ids"). Clients learn the
// id -> name mapping from ShareGroupDescribe. Free functions; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "protocol/types.h"

namespace sluice::broker {
class topic_table;
}

namespace sluice::broker::share {

protocol::uuid topic_id_of(std::string_view topic);
// The existing topic whose id is `id`.
std::optional<std::string> topic_name_of(topic_table& topics, const protocol::uuid& id);

}  // namespace sluice::broker::share
