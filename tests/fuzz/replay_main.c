// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Runs the fuzz entry over files without libFuzzer: `fuzz_replay PATH...`, where a PATH
// may be a directory (every regular file in it). This is how ctest replays
// tests/fuzz/corpus/<target>/, the inputs that once crashed or hung moat. Exit 0 if all
// ran.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int replay_dir(const char *path, unsigned *count) {
    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        return 1;
    }
    int failures = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (entry->d_name[0] == '.') continue; // ., .. and hidden files such as .gitkeep
        size_t n = strlen(path) + strlen(entry->d_name) + 2;
        char *file = malloc(n);
        if (!file) return 1;
        snprintf(file, n, "%s/%s", path, entry->d_name);
        struct stat st;
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
            failures += replay_file(file);
            (*count)++;
        }
        free(file);
    }
    closedir(dir);
    return failures;
}

int main(int argc, char **argv) {
    unsigned count = 0;
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            failures += replay_dir(argv[i], &count);
        } else {
            failures += replay_file(argv[i]);
            count++;
        }
    }
    printf("replayed %u input%s\n", count, count == 1 ? "" : "s");
    return failures ? 1 : 0;
}
