// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// POSIX implementation of util/os.h: mmap reservations and the SIGSEGV/SIGBUS handler
// that lets guard-page faults in linear memory come back as traps.
#define _GNU_SOURCE
#include "util/os.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void *moat__os_reserve(size_t size) {
    void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

bool moat__os_commit(void *addr, size_t size) {
    return size == 0 || mprotect(addr, size, PROT_READ | PROT_WRITE) == 0;
}

bool moat__os_decommit(void *addr, size_t size) {
    if (size == 0) return true;
    // One call replaces anonymous pages and file mappings alike with fresh PROT_NONE
    // pages; the kernel frees what was there.
    void *p =
        mmap(addr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == addr;
}

bool moat__os_discard(void *addr, size_t size) {
    return size == 0 || madvise(addr, size, MADV_DONTNEED) == 0;
}

void moat__os_release(void *addr, size_t size) {
    if (addr) munmap(addr, size);
}

#if defined(__linux__) && defined(MFD_CLOEXEC) && defined(MFD_ALLOW_SEALING)
int moat__os_image_create(size_t size) {
    int fd = memfd_create("moat-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool moat__os_image_write(int fd, u64 offset, const void *data, size_t len) {
    const char *p = data;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n, len -= (size_t)n, offset += (u64)n;
    }
    return true;
}

// Best effort: the descriptor never leaves moat, the seals only guard against mistakes.
void moat__os_image_seal(int fd) {
    (void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}

bool moat__os_image_map(int fd, void *addr, size_t size) {
    void *p = mmap(addr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
    return p == addr;
}

void moat__os_image_close(int fd) {
    if (fd >= 0) close(fd);
}
#else
int moat__os_image_create(size_t size) {
    (void)size;
    return -1;
}

bool moat__os_image_write(int fd, u64 offset, const void *data, size_t len) {
    (void)fd, (void)offset, (void)data, (void)len;
    return false;
}

void moat__os_image_seal(int fd) {
    (void)fd;
}

bool moat__os_image_map(int fd, void *addr, size_t size) {
    (void)fd, (void)addr, (void)size;
    return false;
}

void moat__os_image_close(int fd) {
    (void)fd;
}
#endif

size_t moat__os_page_size(void) {
    static size_t page;
    if (!page) page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

static bool (*guard_check)(void *addr);
static void (*guard_recover)(void);
static struct sigaction previous_segv, previous_bus;
// Installed once per process, under a mutex rather than pthread_once, whose glibc
// version makes a futex wake-up system call even when no thread waits.
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static int install_state; // 0 not yet, 1 installed, -1 failed (read with acquire)

static void forward(int sig, siginfo_t *info, void *uctx) {
    const struct sigaction *prev = sig == SIGBUS ? &previous_bus : &previous_segv;
    if (prev->sa_flags & SA_SIGINFO) {
        if (prev->sa_sigaction) {
            prev->sa_sigaction(sig, info, uctx);
            return;
        }
    } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
        prev->sa_handler(sig);
        return;
    }
    // Default action: restore it and return, so the faulting access repeats and the
    // process dies the ordinary way (with a core dump), as it would without moat.
    signal(sig, SIG_DFL);
}

static void on_fault(int sig, siginfo_t *info, void *uctx) {
    if (guard_check && guard_check(info->si_addr)) guard_recover(); // does not return
    forward(sig, info, uctx);
}

static bool install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    // SA_NODEFER: the handler leaves by longjmp, so the signal must not stay blocked.
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGSEGV, &sa, &previous_segv) == 0
           && sigaction(SIGBUS, &sa, &previous_bus) == 0;
}

bool moat__os_install_fault_handler(bool (*is_guard_fault)(void *addr),
                                    void (*on_guard_fault)(void)) {
    int state = __atomic_load_n(&install_state, __ATOMIC_ACQUIRE);
    if (state == 0) {
        pthread_mutex_lock(&install_lock);
        state = install_state;
        if (state == 0) {
            guard_check = is_guard_fault;
            guard_recover = on_guard_fault;
            state = install() ? 1 : -1;
            __atomic_store_n(&install_state, state, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&install_lock);
    }
    return state > 0;
}
