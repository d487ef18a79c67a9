#pragma once
// sim_dir_model: sim_disk's shadow of directory entries (RELIABILITY B14).
// For each directory (keyed by inode) it keeps its listing — name → inode — as
// of its last sync_dir; the first time a directory is seen its entries at that
// moment count as durable. A power loss puts every directory back to that
// listing, recursively from the root, so an unsynced create disappears, an
// unsynced rename or remove is undone, and a directory never synced into its
// parent vanishes with everything in it.
//
// To be able to bring back a name whose inode the caller dropped (remove, or
// a rename over it), the inode is kept alive in a stash directory,
// <root>/.simdisk-stash, under its inode number: files and directories are
// moved (or hard-linked) there instead of being freed. sync_dir collects the
// stash entries no durable listing can reach any more. Keeping inodes alive
// also stops the kernel from reusing an inode number the model still knows.
//
// Only paths under the root are modelled. Ownership: plain data plus the
// stash under the root; owned by sim_disk. Threading: none; sim_disk locks.

#include <map>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tests/support/sim_disk/sim_file_model.h"

namespace sluice::test {

class sim_dir_model {
 public:
  // root: an existing directory; its current entries are durable.
  explicit sim_dir_model(const std::string& root);

  const std::string& root() const { return root_; }
  const std::string& stash() const { return stash_; }
  // `path` is absolute and lexically normal; true if it lies under the root.
  bool covers(const std::string& path) const;

  // First sight of a directory: its current listing becomes its durable one.
  void see(const std::string& dir);
  // Before creating or removing an entry: see() every directory in the tree
  // rooted at `dir` (for remove_all).
  void see_tree(const std::string& dir);
  // After a successful sync_dir: the current listing is durable. Returns the
  // files whose last link the stash collection removed.
  std::vector<inode_key> synced(const std::string& dir);

  // Keeps the inode at `path` reachable before a rename replaces it.
  std::error_code stash_link(const std::string& path);
  // Removes `path` (a file, or a directory tree) by moving it into the stash;
  // *stashed_at (if given) receives where it went.
  std::error_code move_to_stash(const std::string& path, std::string* stashed_at = nullptr);

  // Power loss: rebuilds the tree under the root from the durable listings,
  // empties the stash, and returns the (path, inode) of every regular file in
  // the new tree, sorted by path so that a seed replays the same choices.
  std::error_code rebuild(std::vector<std::pair<std::string, inode_key>>* files);
  // Forgets everything and takes the disk as it is now as durable.
  void reset();

 private:
  struct entry {
    inode_key key;
    bool is_dir = false;
  };
  using listing = std::map<std::string, entry>;

  listing read_listing(const std::string& dir) const;
  std::string stash_name(inode_key k) const;
  std::set<inode_key> reachable() const;
  void collect_stash(const std::set<inode_key>& keep, std::vector<inode_key>* freed);

  std::string root_;
  std::string stash_;
  std::map<inode_key, listing> durable_;
};

}  // namespace sluice::test
