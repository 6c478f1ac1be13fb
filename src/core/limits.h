// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// moat's implementation limits on module structure (spec: appendix "Implementation
// Limitations"). Each is checked by core/reader.c and reported as MOAT_ERROR_LIMIT with
// the limit's name and value; docs/limits.md says why each value was chosen. They bound
// the memory a hostile module can make the decoder and the runtime allocate.
#ifndef MOAT_CORE_LIMITS_H
#define MOAT_CORE_LIMITS_H

// X(NAME, VALUE, WHAT): MOAT_LIMIT_<NAME> = VALUE; WHAT starts the error message
// ("too many functions: 2000000 exceeds moat's limit of 1000000").
// clang-format off
#define MOAT_LIMITS(X)                                                     \
    X(MODULE_SIZE,      1073741824u, "module too large (bytes)")           \
    X(TYPES,            1000000u,    "too many types")                     \
    X(FUNCS,            1000000u,    "too many functions")                 \
    X(IMPORTS,          100000u,     "too many imports")                   \
    X(EXPORTS,          100000u,     "too many exports")                   \
    X(GLOBALS,          1000000u,    "too many globals")                   \
    X(TABLES,           100000u,     "too many tables")                    \
    X(TABLE_SIZE,       10000000u,   "initial table size too large (elements)") \
    X(DATA_SEGMENTS,    100000u,     "too many data segments")             \
    X(ELEM_SEGMENTS,    10000000u,   "too many element segments")          \
    X(ELEMS_TOTAL,      10000000u,   "too many elements in element segments") \
    X(FUNC_BODY_SIZE,   7654321u,    "function body too large (bytes)")    \
    X(PARAMS,           1000u,       "too many parameters")                \
    X(RESULTS,          1000u,       "too many results")                   \
    X(LOCALS,           50000u,      "too many locals")
// clang-format on

enum {
#define X(NAME, VALUE, WHAT) MOAT_LIMIT_##NAME = VALUE,
    MOAT_LIMITS(X)
#undef X
};

#endif
