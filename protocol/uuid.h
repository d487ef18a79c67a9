#pragma once
// Kafka's uuid in text: the 16 bytes in base64url without padding (22
// characters), as Kafka prints topic ids and cluster ids ("Topic: t
// TopicId: 5Xi1..."), and fresh random ids.
//
// Kafka reserves two values: the all-zero uuid (ZERO_UUID, "no id") and
// 00000000-0000-0000-0000-000000000001 (the metadata topic's id); random_uuid()
// never returns either, nor an id whose text starts with '-' (Kafka redraws
// those so that command-line tools do not read them as flags).
//
// Free functions; random_uuid() draws from std::random_device on the caller's
// thread.

#include <optional>
#include <string>
#include <string_view>

#include "protocol/types.h"

namespace sluice::protocol {

// "AAAAAAAAAAAAAAAAAAAAAA" for the zero uuid.
std::string to_base64url(const uuid& id);
// nullopt unless `text` is exactly 22 base64url characters whose last one
// carries no stray low bits.
std::optional<uuid> uuid_from_base64url(std::string_view text);
// A version 4 (random) uuid that is neither reserved value.
uuid random_uuid();
inline bool is_zero(const uuid& id) { return id == uuid{}; }

}  // namespace sluice::protocol
