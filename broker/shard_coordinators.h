#pragma once
// The per-shard services handlers reach through shard_services::coordinators()
// (docs/decisions.md, "shard_services is the only door"): plain pointers,
// nullptr while a service does not run (before it has loaded, after it has
// closed, or in a test that did not start it). Each service's header keeps a
// named accessor (group::coordinator_of, txn::coordinator_of, ...), so a
// handler never touches the slots itself.
//
// Ownership: the struct belongs to whoever implements shard_services (the
// shard, a test's fake_shard) and must outlive every registration; the
// services are owned elsewhere and only lent here. Thread: the shard's.

#include "broker/request.h"

namespace sluice::broker {

class group_config_store;
namespace group {
class coordinator;
}
namespace share {
class coordinator;
}
namespace txn {
class coordinator;
}

struct shard_coordinators {
  group::coordinator* groups = nullptr;
  share::coordinator* shares = nullptr;
  txn::coordinator* txns = nullptr;
  group_config_store* group_configs = nullptr;
};

// Lends `service` to `shard` for the life of the object: fills one slot and
// empties it again, so a handler never sees a service that has gone.
template <class Service, Service* shard_coordinators::*Slot>
class shard_registration {
 public:
  shard_registration(shard_services& shard, Service& service) : slot_(shard.coordinators().*Slot) {
    slot_ = &service;
  }
  ~shard_registration() { slot_ = nullptr; }
  shard_registration(const shard_registration&) = delete;
  shard_registration& operator=(const shard_registration&) = delete;

 private:
  Service*& slot_;
};

}  // namespace sluice::broker
