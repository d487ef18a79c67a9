#pragma once
// The compression codecs as log/ takes them (log::batch_codec): the storage
// engine does not link compression/, so the broker hands them in. Used by
// the log cleaner (rewriting compressed batches) and by Produce (reading the
// keys of a compacted topic's records).
//
// Thread: the returned object is immutable; any thread.

#include "log/cleaner_records.h"

namespace sluice::broker {

const log::batch_codec& batch_codecs();

}  // namespace sluice::broker
