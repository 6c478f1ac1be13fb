// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Path resolution beneath a preopened directory (ARCHITECTURE decision 6). Every guest
// path goes through these two functions; neither ever reaches a file outside `root`
// through "..", an absolute path, a symlink (absolute, relative, chained or looping) or
// a /proc magic link. Results are WASI errnos; an escape attempt is ENOTCAPABLE.
#ifndef MOAT_WASI_SANDBOX_H
#define MOAT_WASI_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

// Opens `path` beneath directory fd `root` with open(2) `flags` (O_CLOEXEC is added) and
// `mode`; `follow` says whether a symlink as the last component is followed (one in the
// middle always is, staying beneath root). *out is a new host fd.
uint32_t moat__sandbox_open(int root, const char *path, int flags, mode_t mode, bool follow,
                            int *out);

// Resolves all but the last component of `path` beneath `root`: *out_dir is a new O_PATH
// fd of the directory that holds it and *out_name its name (malloc'd; the caller frees),
// never a symlink that was followed out. With `follow`, a symlink as the last component
// is resolved too (its target's directory and name are returned). A path that names the
// directory itself ("." or "sub/..") gives the name ".". *out_is_dir is set when the
// path ends in '/'.
uint32_t moat__sandbox_parent(int root, const char *path, bool follow, int *out_dir,
                              char **out_name, bool *out_is_dir);

#endif
