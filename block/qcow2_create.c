/*
 * Creating an empty qcow2 version 3 image: header (with the backing file
 * format extension and the backing file name in the first cluster), one
 * refcount table, enough refcount blocks for the initial clusters, and a
 * zeroed L1 table covering the disk.  Layout:
 *     cluster 0 | refcount table | refcount blocks | L1 table
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/qcow2_internal.h"

static void put_be32(uint8_t *p, uint32_t v)
{
    v = htobe32(v);
    memcpy(p, &v, 4);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    v = htobe64(v);
    memcpy(p, &v, 8);
}

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

typedef struct Qcow2Layout {
    uint64_t l1_size;
    uint64_t reftable_clusters, refblocks, l1_clusters;
    uint64_t total_clusters;
} Qcow2Layout;

/* Refcount blocks must count every cluster of the layout, themselves and
 * the table listing them included: grow both until they fit. */
static void plan_layout(Qcow2Layout *l, uint64_t size, unsigned cluster_bits)
{
    uint64_t cs = 1ull << cluster_bits;
    uint64_t refblock_entries = cs * 8 / 16; /* refcount_order 4 */
    l->l1_size = div_round_up(size, cs * (cs / 8));
    l->l1_clusters = l->l1_size ? div_round_up(l->l1_size * 8, cs) : 1;
    l->reftable_clusters = 1;
    l->refblocks = 1;
    for (;;) {
        l->total_clusters = 1 + l->reftable_clusters + l->refblocks + l->l1_clusters;
        uint64_t blocks = div_round_up(l->total_clusters, refblock_entries);
        uint64_t table = div_round_up(blocks * 8, cs);
        if (blocks <= l->refblocks && table <= l->reftable_clusters) break;
        if (blocks > l->refblocks) l->refblocks = blocks;
        if (table > l->reftable_clusters) l->reftable_clusters = table;
    }
}

/* The header cluster; false if the backing name does not fit. */
static bool build_header(uint8_t *hdr, uint64_t cs, uint64_t size, const Qcow2Layout *l,
                         const char *backing_file, const char *backing_format)
{
    memcpy(hdr, "QFI\xfb", 4);
    put_be32(hdr + 4, 3);
    put_be32(hdr + 20, (uint32_t)__builtin_ctzll(cs));
    put_be64(hdr + 24, size);
    put_be32(hdr + 36, (uint32_t)l->l1_size);
    put_be64(hdr + 40, (1 + l->reftable_clusters + l->refblocks) * cs);
    put_be64(hdr + 48, cs);
    put_be32(hdr + 56, (uint32_t)l->reftable_clusters);
    put_be32(hdr + 96, 4); /* refcount_order: 16-bit refcounts */
    put_be32(hdr + 100, QCOW2_V3_HEADER_LENGTH);
    uint64_t pos = QCOW2_V3_HEADER_LENGTH;
    if (backing_format) {
        size_t len = strlen(backing_format);
        put_be32(hdr + pos, QCOW2_EXT_BACKING_FMT);
        put_be32(hdr + pos + 4, (uint32_t)len);
        memcpy(hdr + pos + 8, backing_format, len);
        pos += 8 + ((len + 7) & ~(size_t)7);
    }
    pos += 8; /* the end-of-extensions marker: zeros */
    if (backing_file) {
        size_t len = strlen(backing_file);
        if (pos + len > cs) return false;
        memcpy(hdr + pos, backing_file, len);
        put_be64(hdr + 8, pos);
        put_be32(hdr + 16, (uint32_t)len);
    }
    return true;
}

bool block_qcow2_format(int fd, const char *file, uint64_t size, unsigned cluster_bits,
                        const char *backing_file, const char *backing_format, char *err,
                        size_t errlen)
{
    if (cluster_bits < QCOW2_MIN_CLUSTER_BITS || cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        block_error(err, errlen, file, "cluster size 2^%u out of range (2^9-2^21)", cluster_bits);
        return false;
    }
    if (backing_format && strcmp(backing_format, "raw") && strcmp(backing_format, "qcow2")) {
        block_error(err, errlen, file, "unknown backing format '%s' (raw, qcow2)", backing_format);
        return false;
    }
    if (backing_file && (!*backing_file || strlen(backing_file) > QCOW2_MAX_BACKING_NAME)) {
        block_error(err, errlen, file, "backing file name empty or longer than %d bytes",
                    QCOW2_MAX_BACKING_NAME);
        return false;
    }
    uint64_t cs = 1ull << cluster_bits;
    /* QEMU's 32 MiB L1 limit, so that QEMU can open what we make. */
    if (size > (32ull << 20) / 8 * cs * (cs / 8) || size > INT64_MAX) {
        block_error(err, errlen, file, "size %llu too large for %llu-byte clusters",
                    (unsigned long long)size, (unsigned long long)cs);
        return false;
    }
    Qcow2Layout l;
    plan_layout(&l, size, cluster_bits);
    uint64_t meta = l.reftable_clusters + l.refblocks; /* clusters 1.. */
    uint8_t *hdr = calloc(1, cs);
    uint8_t *buf = calloc(meta, cs);
    bool ok = false;
    if (!hdr || !buf) {
        block_error(err, errlen, file, "%s", strerror(ENOMEM));
        goto out;
    }
    if (!build_header(hdr, cs, size, &l, backing_file, backing_format)) {
        block_error(err, errlen, file, "backing file name does not fit in the first cluster");
        goto out;
    }
    uint8_t *reftable = buf, *refblocks = buf + l.reftable_clusters * cs;
    for (uint64_t b = 0; b < l.refblocks; b++)
        put_be64(reftable + b * 8, (1 + l.reftable_clusters + b) * cs);
    for (uint64_t c = 0; c < l.total_clusters; c++) {
        refblocks[c * 2] = 0;
        refblocks[c * 2 + 1] = 1;
    }
    int ret = ftruncate(fd, (off_t)(l.total_clusters * cs)) < 0 ? -errno : 0;
    if (ret == 0) ret = block_pwrite_full(fd, hdr, cs, 0);
    if (ret == 0) ret = block_pwrite_full(fd, buf, meta * cs, cs);
    if (ret < 0) {
        block_error(err, errlen, file, "%s", strerror(-ret));
        goto out;
    }
    ok = true;
out:
    free(hdr);
    free(buf);
    return ok;
}
