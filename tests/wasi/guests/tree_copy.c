// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A realistic program: walks /src recursively, copies every file into /dst (creating the
// directories), appends one line per file to /dst/copy.log, and reports counts and
// timings. Run as: moat run --dir SRC::/src::ro --dir DST::/dst tree_copy.wasm
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int files, dirs, failures;
static long long bytes;
static FILE *log_file;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        fprintf(stderr, "tree_copy: %s -> %s: %s\n", from, to, strerror(errno));
        failures++;
    } else {
        char buf[4096];
        size_t n;
        long long size = 0;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
            fwrite(buf, 1, n, out);
            size += (long long)n;
        }
        bytes += size;
        files++;
        fprintf(log_file, "copied %s (%lld bytes)\n", from + 4, size);
    }
    if (in) fclose(in);
    if (out) fclose(out);
}

static void walk(const char *src, const char *dst) {
    DIR *d = opendir(src);
    if (!d) {
        fprintf(stderr, "tree_copy: opendir %s: %s\n", src, strerror(errno));
        failures++;
        return;
    }
    dirs++;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        struct stat st;
        if (stat(from, &st)) {
            failures++;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (mkdir(to, 0755) && errno != EEXIST) failures++;
            walk(from, to);
        } else {
            copy_file(from, to);
        }
    }
    closedir(d);
}

int main(void) {
    double start = now();
    log_file = fopen("/dst/copy.log", "a");
    if (!log_file) {
        perror("tree_copy: /dst/copy.log");
        return 1;
    }
    walk("/src", "/dst");
    fprintf(log_file, "done: %d files\n", files);
    fclose(log_file);
    double ms = (now() - start) * 1000;
    printf("tree_copy: %d files, %d directories, %lld bytes, %d failures\n", files, dirs, bytes,
           failures);
    fprintf(stderr, "tree_copy: took %.2f ms\n", ms);
    return failures ? 1 : 0;
}
