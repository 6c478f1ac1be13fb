// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Imports a function nobody provides: `moat run` must name it and its signature.
__attribute__((import_module("env"), import_name("missing_function"))) int
missing_function(int, long long);

int main(void) {
    return missing_function(1, 2);
}
