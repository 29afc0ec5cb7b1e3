/*
 * Helpers for the block layer tests: a scratch directory per test, whole
 * files in and out, a deterministic byte generator, and qemu-img (package
 * qemu-utils) as the oracle for qcow2.  Include it first, after
 * #define _GNU_SOURCE (nftw, mkdtemp).
 */
#ifndef DOPPEL_TEST_BLOCK_UTIL_H
#define DOPPEL_TEST_BLOCK_UTIL_H

#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block.h"
#include "test_util.h"

/* A fresh directory under $TMPDIR (or /tmp) into dir. */
static inline void block_test_mkdir(char *dir, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, len, "%s/doppel-blocktest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
}

static inline int block_test_rm_one(const char *path, const struct stat *st, int flag,
                                    struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline void block_test_rmdir(const char *dir)
{
    nftw(dir, block_test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* snprintf into buf, asserting it fits. */
static inline char *block_test_path(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < len, "path too long");
    return buf;
}

/* Run a shell command; assert exit status 0 and return its stdout in out
 * (which may be NULL). */
static inline void block_test_sh(char *out, size_t outlen, const char *fmt, ...)
{
    char cmd[8192], scratch[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof cmd);
    if (!out) out = scratch, outlen = sizeof scratch;
    int status = test_run_command(cmd, out, outlen);
    cr_assert_eq(status, 0, "command failed (%d): %s\n%s", status, cmd, out);
}

static inline void block_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* The whole file, malloc'ed; its length in *len. */
static inline uint8_t *block_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* xorshift64*: the same bytes on every run. */
static inline uint64_t block_test_rand(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

/* Pseudo-random bytes with runs of zeros, so that images have both
 * allocated and sparse clusters. */
static inline void block_test_fill(uint8_t *buf, size_t len, uint64_t seed)
{
    uint64_t st = seed | 1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)block_test_rand(&st);
    for (size_t at = 0; at < len;) {
        size_t run = (size_t)(block_test_rand(&st) % (256 * 1024));
        if (block_test_rand(&st) % 3 == 0) memset(buf + at, 0, run < len - at ? run : len - at);
        at += run;
    }
}

static inline BlockBackend *block_test_open(const char *file, const char *format, bool read_only)
{
    char err[512];
    BlockBackend *blk =
        blk_open(&(BlockOpenOptions){.file = file, .format = format, .read_only = read_only}, err,
                 sizeof err);
    cr_assert_not_null(blk, "blk_open %s: %s", file, err);
    return blk;
}

/* The disk through doppel equals expect (blk_size bytes), read in whole
 * and in odd pieces. */
static inline void block_test_expect_disk(BlockBackend *blk, const uint8_t *expect, size_t len)
{
    cr_assert_eq(blk_size(blk), len);
    uint8_t *got = malloc(len ? len : 1);
    cr_assert_not_null(got);
    cr_assert_eq(blk_pread(blk, 0, got, len), 0);
    for (size_t i = 0; i < len; i++)
        if (got[i] != expect[i])
            cr_assert_fail("byte %zu: doppel read %#x, expected %#x", i, got[i], expect[i]);
    uint64_t st = len + 7;
    for (int k = 0; k < 200 && len; k++) {
        size_t off = (size_t)(block_test_rand(&st) % len);
        size_t n = (size_t)(block_test_rand(&st) % 70000) % (len - off) + 1;
        cr_assert_eq(blk_pread(blk, off, got, n), 0);
        cr_assert_arr_eq(got, expect + off, n, "read of %zu bytes at %zu differs", n, off);
    }
    free(got);
}

static inline void block_test_require_qemu_img(const char *suite)
{
    test_require_program(suite, "qemu-img", "qemu-utils");
}

/* `qemu-img check` finds no errors and no leaks. */
static inline void block_test_qemu_check(const char *image)
{
    char out[8192];
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "qemu-img check '%s' 2>&1", image);
    int status = test_run_command(cmd, out, sizeof out);
    cr_assert_eq(status, 0, "qemu-img check %s: status %d\n%s", image, status, out);
    cr_assert_not_null(strstr(out, "No errors were found"), "qemu-img check %s:\n%s", image, out);
    cr_assert_null(strstr(out, "leaked"), "qemu-img check %s:\n%s", image, out);
}

/* The disk as qemu-img sees it, via `qemu-img convert -O raw` into
 * scratch (extra: more convert options, e.g. "-l sn1"). */
static inline uint8_t *block_test_qemu_raw(const char *image, const char *scratch,
                                           const char *extra, size_t *len)
{
    block_test_sh(NULL, 0, "qemu-img convert %s -O raw '%s' '%s' 2>&1", extra ? extra : "", image,
                  scratch);
    return block_test_read_file(scratch, len);
}

#endif
