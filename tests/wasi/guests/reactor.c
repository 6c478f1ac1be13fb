// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A reactor (built with -mexec-model=reactor): `moat run --invoke add` must call
// _initialize first, which runs the constructor below. Also the --preload library: its
// `twice` export is imported by preload_main.c.
#include <stdio.h>

static int base;

__attribute__((constructor)) static void init(void) {
    base = 1000;
}

__attribute__((export_name("add"))) int add(int a, int b) {
    printf("add called after init: base=%d\n", base);
    return base + a + b;
}

__attribute__((export_name("twice"))) int twice(int x) {
    return 2 * x + base;
}
