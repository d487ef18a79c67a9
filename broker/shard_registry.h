#pragma once
// How handlers find a per-shard service (a coordinator) without request.h
// knowing it: the shard registers the service for its lifetime, handlers look
// it up by shard. One registry per service type.
//
// Thread: registration and lookup happen on the shard's thread (or, in
// tests, the test's only thread).

#include <map>

namespace sluice::broker {

class shard_services;

template <class Service>
class shard_registry {
 public:
  // nullptr when no Service runs on `shard`.
  static Service* of(shard_services& shard) {
    auto it = map().find(&shard);
    return it == map().end() ? nullptr : it->second;
  }

  // Registers `s` for `shard` for the life of the object.
  class registration {
   public:
    registration(shard_services& shard, Service& s) : shard_(shard) { map()[&shard] = &s; }
    ~registration() { map().erase(&shard_); }
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;

   private:
    shard_services& shard_;
  };

 private:
  static std::map<shard_services*, Service*>& map() {
    static std::map<shard_services*, Service*> m;
    return m;
  }
};

}  // namespace sluice::broker
