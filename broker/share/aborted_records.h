#pragma once
// Share groups under read_committed (sluice.share.isolation.level): which
// fetched batches belong to aborted transactions, so that the share
// partition archives their offsets instead of delivering them (as Kafka's
// SharePartition does for share.isolation.level=read_committed).
//
// The rule is the read_committed consumer's: walking the batches in order, a
// producer id enters the aborted set once a batch reaches the first offset of
// one of its aborted transactions (partition_log::aborted_transactions); its
// transactional data batches are then aborted until its next control batch
// (the abort marker, which itself stays deliverable like any marker).
//
// Pure: no I/O. Thread: any.

#include <vector>

#include "broker/share/share_partition.h"
#include "log/batch_scanner.h"
#include "log/txn_types.h"

namespace sluice::broker::share {

// `batches` are the headers of whole batches in offset order (the read
// path's header-only scan); `aborted` the partition's aborted transactions
// overlapping them.
std::vector<offset_range> aborted_ranges(const std::vector<log::batch_info>& batches,
                                         std::vector<log::aborted_txn> aborted);

}  // namespace sluice::broker::share
