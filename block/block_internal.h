/*
 * Inside the block layer: the format driver interface behind block.h and
 * the helpers the drivers share.  A BlockBackend is one node; a qcow2
 * node holds its backing node (another BlockBackend) privately.
 */
#ifndef DOPPEL_BLOCK_INTERNAL_H
#define DOPPEL_BLOCK_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "block/block.h"

/* A format: ranges reaching the driver are checked (in bounds, not empty,
 * writable) by block.c. */
typedef struct BlockDriver {
    const char *name;
    int (*pread)(BlockBackend *blk, uint64_t offset, void *buf, size_t len);
    int (*pwrite)(BlockBackend *blk, uint64_t offset, const void *buf, size_t len);
    int (*flush)(BlockBackend *blk);
    void (*close)(BlockBackend *blk); /* frees opaque, not the fd */
} BlockDriver;

struct BlockBackend {
    const BlockDriver *drv;
    void *opaque; /* the driver's state */
    int fd;
    char *filename;          /* as the user (or the backing reference) named it */
    const char *format_name; /* reported by blk_format_name */
    uint64_t size;
    bool read_only;
    /* The guest clock internal snapshots record (snapshot_drive.c). */
    struct Clocks *snapshot_clocks;
};

/* The images already open above a backing file being opened, to refuse
 * loops and absurd depths. */
typedef struct BlockChain {
    const char *path; /* realpath of an image in the chain */
    const struct BlockChain *above;
    unsigned depth;
} BlockChain;

enum { BLOCK_MAX_CHAIN_DEPTH = 64 };

extern const BlockDriver block_raw_driver;
extern const BlockDriver block_qcow2_driver;

/* One line into err ("file: message"). */
void block_error(char *err, size_t errlen, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Full-length positional I/O, retrying on EINTR and short transfers.
 * block_pread_full returns the bytes read (fewer only at end of file) or
 * -errno; block_pwrite_full returns 0 or -errno. */
int64_t block_pread_full(int fd, void *buf, size_t len, uint64_t offset);
int block_pwrite_full(int fd, const void *buf, size_t len, uint64_t offset);

/* Open a file of a known or probed format (format NULL) below chain
 * (NULL at the top).  The node owns fd on success only. */
BlockBackend *block_open_node(const char *file, const char *format, bool read_only,
                              const BlockChain *chain, char *err, size_t errlen);

/* The drivers' open functions: they take ownership of fd on success.
 * qcow2: backing, when not NULL, replaces the backing file the header names
 * (the snapshot overlay passes the image it already opened) and belongs to
 * the driver from the call on, closed by it on failure. */
BlockBackend *block_raw_open(int fd, const char *file, bool read_only, char *err, size_t errlen);
BlockBackend *block_qcow2_open(int fd, const char *file, bool read_only, BlockBackend *backing,
                               const BlockChain *chain, char *err, size_t errlen);
/* Write a fresh empty qcow2 v3 image into the empty file fd. */
bool block_qcow2_format(int fd, const char *file, uint64_t size, unsigned cluster_bits,
                        const char *backing_file, const char *backing_format, char *err,
                        size_t errlen);

/* A node with everything but the driver state filled in; NULL on ENOMEM. */
BlockBackend *block_node_new(const BlockDriver *drv, int fd, const char *file, uint64_t size,
                             bool read_only);
/* Free the node itself (not opaque, not fd). */
void block_node_free(BlockBackend *blk);

#endif
