/*
 * qcow2 refcounts (qcow2.txt "Host cluster management"): reading and
 * changing one cluster's refcount, and allocating clusters, creating
 * refcount blocks and growing the refcount table on the way.
 *
 * Allocation only moves forward through the file within a session, so a
 * cluster freed now is never reused before its last reference has long
 * been rewritten; each new cluster's refcount reaches the file before
 * anything points at it.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "block/qcow2_internal.h"

/* Refcount entries are 1 << refcount_order bits wide; narrower than a byte
 * they fill each byte from its least significant bit (qcow2.txt "Refcount
 * block entry"), wider ones are big-endian. */
static uint64_t refblock_entry_get(const Qcow2State *s, const uint8_t *block, uint64_t i)
{
    unsigned bits = 1u << s->refcount_order;
    if (bits < 8) {
        unsigned shift = (unsigned)((i * bits) % 8);
        return (block[i * bits / 8] >> shift) & ((1u << bits) - 1);
    }
    uint64_t v = 0;
    for (unsigned b = 0; b < bits / 8; b++)
        v = v << 8 | block[i * (bits / 8) + b];
    return v;
}

/* Set entry i in block; *pos and *len say which bytes changed. */
static void refblock_entry_set(const Qcow2State *s, uint8_t *block, uint64_t i, uint64_t value,
                               uint64_t *pos, size_t *len)
{
    unsigned bits = 1u << s->refcount_order;
    if (bits < 8) {
        unsigned shift = (unsigned)((i * bits) % 8);
        uint8_t mask = (uint8_t)(((1u << bits) - 1) << shift);
        uint8_t *byte = &block[i * bits / 8];
        *byte = (uint8_t)((*byte & ~mask) | ((value << shift) & mask));
        *pos = i * bits / 8;
        *len = 1;
        return;
    }
    unsigned bytes = bits / 8;
    for (unsigned b = 0; b < bytes; b++)
        block[i * bytes + b] = (uint8_t)(value >> (8 * (bytes - 1 - b)));
    *pos = i * bytes;
    *len = bytes;
}

static uint64_t refcount_max(const Qcow2State *s)
{
    unsigned bits = 1u << s->refcount_order;
    return bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
}

int qcow2_refcount_get(Qcow2State *s, uint64_t cluster_index, uint64_t *refcount)
{
    uint64_t t = cluster_index / s->refblock_entries;
    uint64_t block_offset =
        t < s->reftable_entries ? s->reftable[t] & QCOW2_REFTABLE_OFFSET_MASK : 0;
    if (!block_offset) {
        *refcount = 0;
        return 0;
    }
    uint8_t *block;
    int ret = qcow2_cache_get(s, &s->refblock_cache, block_offset, &block);
    if (ret < 0) return ret;
    *refcount = refblock_entry_get(s, block, cluster_index % s->refblock_entries);
    return 0;
}

static int refcount_set(Qcow2State *s, uint64_t cluster_index, uint64_t value)
{
    uint64_t t = cluster_index / s->refblock_entries;
    uint64_t block_offset =
        t < s->reftable_entries ? s->reftable[t] & QCOW2_REFTABLE_OFFSET_MASK : 0;
    if (!block_offset) return -EIO;
    uint8_t *block;
    int ret = qcow2_cache_get(s, &s->refblock_cache, block_offset, &block);
    if (ret < 0) return ret;
    uint64_t pos;
    size_t len;
    refblock_entry_set(s, block, cluster_index % s->refblock_entries, value, &pos, &len);
    return qcow2_host_write(s, block_offset + pos, block + pos, len);
}

int qcow2_refcount_add(Qcow2State *s, uint64_t offset, int delta)
{
    uint64_t index = offset >> s->cluster_bits;
    uint64_t rc;
    int ret = qcow2_refcount_get(s, index, &rc);
    if (ret < 0) return ret;
    /* Dropping a reference nobody counted, or counting past the width:
     * the image is inconsistent; stop rather than make it worse. */
    if ((delta < 0 && rc == 0) || (delta > 0 && rc == refcount_max(s))) return -EIO;
    return refcount_set(s, index, delta < 0 ? rc - 1 : rc + 1);
}

int qcow2_refcount_release_range(Qcow2State *s, uint64_t offset, uint64_t len)
{
    if (!len) return 0;
    uint64_t first = offset >> s->cluster_bits, last = (offset + len - 1) >> s->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        int ret = qcow2_refcount_add(s, c << s->cluster_bits, -1);
        if (ret < 0) return ret;
    }
    return 0;
}

/* A refcount block for the (all free) range of clusters holding cluster
 * index, placed at index itself and counting itself. */
static int refblock_create_at(Qcow2State *s, uint64_t index)
{
    uint64_t t = index / s->refblock_entries;
    uint64_t offset = index << s->cluster_bits;
    uint8_t *block = s->table_buf;
    memset(block, 0, s->cluster_size);
    uint64_t pos;
    size_t len;
    refblock_entry_set(s, block, index % s->refblock_entries, 1, &pos, &len);
    int ret = qcow2_host_write(s, offset, block, s->cluster_size);
    if (ret < 0) return ret;
    qcow2_cache_forget(&s->refblock_cache, offset);
    ret = qcow2_write_be64(s, s->reftable_offset + t * 8, offset);
    if (ret < 0) return ret;
    s->reftable[t] = offset;
    return 0;
}

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* The refcount table cannot describe cluster index: write a larger table
 * and the refcount blocks for its own clusters at index (everything from
 * there on is free, being beyond what any refcount block describes),
 * switch the header to it, then free the old table. */
static int reftable_grow(Qcow2State *s, uint64_t index)
{
    uint64_t rbe = s->refblock_entries, cs = s->cluster_size;
    uint64_t table_clusters = s->reftable_clusters ? 2ull * s->reftable_clusters : 1;
    uint64_t blocks = 0, end;
    for (;;) {
        end = index + table_clusters + blocks;
        uint64_t need_clusters = div_round_up(div_round_up(end, rbe) * 8, cs);
        uint64_t need_blocks = (end - 1) / rbe - index / rbe + 1;
        if (need_clusters <= table_clusters && need_blocks <= blocks) break;
        if (need_clusters > table_clusters) table_clusters = need_clusters;
        if (need_blocks > blocks) blocks = need_blocks;
    }
    /* QEMU's limit: an 8 MiB refcount table. */
    if (table_clusters * cs > (8u << 20)) return -ENOSPC;
    uint64_t entries = table_clusters * cs / 8;
    uint64_t *table = calloc(entries, sizeof *table);
    uint64_t *be = calloc(entries, sizeof *be);
    int ret = -ENOMEM;
    if (!table || !be) goto out;
    if (s->reftable_entries) memcpy(table, s->reftable, s->reftable_entries * sizeof *table);
    uint64_t first_block = index + table_clusters;
    for (uint64_t b = 0; b < blocks; b++) {
        uint64_t t = index / rbe + b;
        uint8_t *block = s->table_buf;
        memset(block, 0, cs);
        for (uint64_t c = index; c < end; c++) {
            if (c / rbe != t) continue;
            uint64_t pos;
            size_t len;
            refblock_entry_set(s, block, c % rbe, 1, &pos, &len);
        }
        uint64_t offset = (first_block + b) << s->cluster_bits;
        ret = qcow2_host_write(s, offset, block, cs);
        if (ret < 0) goto out;
        table[t] = offset;
    }
    for (uint64_t i = 0; i < entries; i++)
        be[i] = htobe64(table[i]);
    ret = qcow2_host_write(s, index << s->cluster_bits, be, entries * 8);
    if (ret < 0) goto out;
    /* refcount_table_offset and refcount_table_clusters in one write. */
    uint8_t hdr[12];
    uint64_t off_be = htobe64(index << s->cluster_bits);
    uint32_t clusters_be = htobe32((uint32_t)table_clusters);
    memcpy(hdr, &off_be, 8);
    memcpy(hdr + 8, &clusters_be, 4);
    ret = qcow2_host_write(s, 48, hdr, sizeof hdr);
    if (ret < 0) goto out;
    uint64_t old_offset = s->reftable_offset, old_clusters = s->reftable_clusters;
    free(s->reftable);
    s->reftable = table;
    table = NULL;
    s->reftable_offset = index << s->cluster_bits;
    s->reftable_clusters = (uint32_t)table_clusters;
    s->reftable_entries = entries;
    s->free_hint = end;
    ret = qcow2_refcount_release_range(s, old_offset, old_clusters * cs);
out:
    free(table);
    free(be);
    return ret;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* The header, L1 table and refcount table are in use whatever a (corrupt)
 * refcount block says. */
static bool cluster_is_fixed_metadata(const Qcow2State *s, uint64_t index)
{
    uint64_t offset = index << s->cluster_bits, cs = s->cluster_size;
    return index == 0 || ranges_overlap(offset, cs, s->l1_offset, (uint64_t)s->l1_size * 8) ||
           ranges_overlap(offset, cs, s->reftable_offset, (uint64_t)s->reftable_clusters * cs);
}

int qcow2_alloc_cluster(Qcow2State *s, uint64_t *offset)
{
    for (;;) {
        uint64_t index = s->free_hint;
        /* Host offsets are 56 bits in L1/L2 entries. */
        if (index >= (1ull << (56 - s->cluster_bits))) return -ENOSPC;
        if (cluster_is_fixed_metadata(s, index)) {
            s->free_hint = index + 1;
            continue;
        }
        uint64_t t = index / s->refblock_entries;
        int ret;
        if (t >= s->reftable_entries) {
            ret = reftable_grow(s, index);
            if (ret < 0) return ret;
            continue;
        }
        if (!(s->reftable[t] & QCOW2_REFTABLE_OFFSET_MASK)) {
            ret = refblock_create_at(s, index);
            if (ret < 0) return ret;
            s->free_hint = index + 1;
            continue;
        }
        uint64_t rc;
        ret = qcow2_refcount_get(s, index, &rc);
        if (ret < 0) return ret;
        s->free_hint = index + 1;
        if (rc) continue;
        ret = refcount_set(s, index, 1);
        if (ret < 0) return ret;
        *offset = index << s->cluster_bits;
        return 0;
    }
}
