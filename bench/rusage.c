// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Runs a command and writes "WALL_NS PEAK_RSS_KIB EXIT" to the file OUT.
// Usage: rusage OUT COMMAND [ARG...]
// Why not time it from Python: Python starts children with vfork, and the kernel folds the
// pre-exec address space (the whole Python process) into the child's peak RSS. This tiny
// static program forks itself instead, so the floor is its own few hundred KiB, and its
// clock brackets only fork, exec and wait.
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return fprintf(stderr, "usage: rusage OUT COMMAND [ARG...]\n"), 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) return perror("fork"), 2;
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return perror("wait4"), 2;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    FILE *f = fopen(argv[1], "w");
    if (!f) return perror(argv[1]), 2;
    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    fprintf(f, "%lld %ld %d\n", ns, ru.ru_maxrss,
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return fclose(f) ? 2 : 0;
}
