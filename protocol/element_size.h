#pragma once
// The smallest encoding of one array element in each mode, for the count
// check of reader::array() (the allocation rule in docs/protocol.md).
//
// A classic string takes at least 2 bytes (int16 length) and a classic array
// or bytes field 4, against 1 for their compact forms, so the classic minimum
// of a struct made of strings and byte fields is two to four times its compact
// one. Passing the reader's own mode's minimum keeps what a lying count can
// make a decoder reserve to about sizeof(element) / classic size per byte of
// frame, rather than sizeof(element) / compact size; and it stays a true lower
// bound when an API gains flexible versions.

#include <cstddef>

#include "protocol/reader.h"

namespace sluice::protocol {

struct element_size {
  size_t compact;  // flexible versions (struct tag sections not counted)
  size_t classic;  // int16 string lengths, int32 array counts and byte lengths
  size_t in(const reader& r) const noexcept { return r.flexible() ? compact : classic; }
};

}  // namespace sluice::protocol
