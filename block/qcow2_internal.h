/*
 * qcow2 driver state shared by qcow2.c (header, open, driver glue),
 * qcow2_cluster.c (guest -> host mapping, reads, copy-on-write writes),
 * qcow2_refcount.c (refcounts and cluster allocation), qcow2_cache.c
 * (table cache) and qcow2_create.c.  Spec: QEMU docs/interop/qcow2.txt.
 */
#ifndef DOPPEL_QCOW2_INTERNAL_H
#define DOPPEL_QCOW2_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "block/block_internal.h"

enum {
    QCOW2_V2_HEADER_LENGTH = 72,
    QCOW2_V3_HEADER_LENGTH = 104,
    QCOW2_MIN_CLUSTER_BITS = 9,
    QCOW2_MAX_CLUSTER_BITS = 21,
    QCOW2_MAX_BACKING_NAME = 1023,
};

/* qcow2.txt "Header": feature bits. */
#define QCOW2_INCOMPAT_DIRTY       (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT     (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE   (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2       (1ull << 4)
#define QCOW2_INCOMPAT_KNOWN       0x1full

/* qcow2.txt "Header extensions". */
#define QCOW2_EXT_END         0x00000000u
#define QCOW2_EXT_BACKING_FMT 0xe2792acau
#define QCOW2_EXT_FEATURES    0x6803f857u
#define QCOW2_EXT_CRYPTO      0x0537be77u
#define QCOW2_EXT_DATA_FILE   0x44415441u

/* qcow2.txt "Cluster mapping": L1 and L2 entries. */
#define QCOW2_OFFSET_MASK      0x00fffffffffffe00ull
#define QCOW2_OFLAG_COPIED     (1ull << 63)
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO       (1ull << 0)
/* qcow2.txt "Refcount table entry": bits 9-63. */
#define QCOW2_REFTABLE_OFFSET_MASK 0xfffffffffffffe00ull

/* A few cluster-sized tables (L2 tables or refcount blocks) kept in memory,
 * least recently used replaced.  Write-through: whoever changes an entry
 * writes those bytes to the file at once, so eviction is free. */
typedef struct Qcow2CacheSlot {
    uint64_t offset; /* host offset of the table, 0 = empty */
    uint64_t last_use;
    uint8_t *data;
} Qcow2CacheSlot;

typedef struct Qcow2Cache {
    Qcow2CacheSlot *slots;
    unsigned nslots;
    uint64_t clock;
} Qcow2Cache;

typedef struct Qcow2State {
    BlockBackend *blk; /* the node this state belongs to */
    int fd;
    uint64_t file_size; /* grows as clusters are appended */
    unsigned version;
    unsigned cluster_bits;
    uint64_t cluster_size;
    unsigned l2_bits; /* log2 of entries per L2 table */
    uint64_t size;    /* virtual disk */
    uint64_t incompatible, compatible, autoclear;

    uint32_t l1_size;
    uint64_t l1_offset;
    uint64_t *l1; /* host byte order */

    uint64_t reftable_offset;
    uint32_t reftable_clusters;
    uint64_t reftable_entries;
    uint64_t *reftable; /* host byte order */
    unsigned refcount_order;
    uint64_t refblock_entries;
    uint64_t free_hint; /* cluster index where the next free search starts */

    Qcow2Cache l2_cache;
    Qcow2Cache refblock_cache;

    BlockBackend *backing;

    uint8_t *cluster_buf;    /* copy-on-write merge */
    uint8_t *table_buf;      /* L2 table copy */
    uint8_t *compressed_buf; /* compressed input */
    size_t compressed_buf_size;
    uint8_t *decompressed;       /* the last compressed cluster, inflated */
    uint64_t decompressed_entry; /* its L2 entry, 0 = none */
} Qcow2State;

/* qcow2_cache.c */
bool qcow2_cache_init(Qcow2Cache *c, unsigned nslots, uint64_t cluster_size);
void qcow2_cache_free(Qcow2Cache *c);
/* The table at host offset (cluster aligned, inside the file; -EIO
 * otherwise).  The pointer is valid until the next get on c. */
int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **table);
void qcow2_cache_forget(Qcow2Cache *c, uint64_t offset);

/* Host file I/O: reads past the end of the file return zeros (as QEMU
 * does); writes track the file size. */
int qcow2_host_read(Qcow2State *s, uint64_t offset, void *buf, size_t len);
int qcow2_host_write(Qcow2State *s, uint64_t offset, const void *buf, size_t len);
int qcow2_write_be64(Qcow2State *s, uint64_t offset, uint64_t value);

/* qcow2_refcount.c */
int qcow2_refcount_get(Qcow2State *s, uint64_t cluster_index, uint64_t *refcount);
/* Add delta (+1 or -1) to the refcount of the cluster holding offset. */
int qcow2_refcount_add(Qcow2State *s, uint64_t offset, int delta);
/* -1 on every cluster overlapping [offset, offset + len). */
int qcow2_refcount_release_range(Qcow2State *s, uint64_t offset, uint64_t len);
/* A free cluster with its refcount already 1 on disk; its host offset in
 * *offset. */
int qcow2_alloc_cluster(Qcow2State *s, uint64_t *offset);

/* qcow2_cluster.c */
int qcow2_read(Qcow2State *s, uint64_t offset, uint8_t *buf, size_t len);
int qcow2_write(Qcow2State *s, uint64_t offset, const uint8_t *buf, size_t len);

#endif
