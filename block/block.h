/*
 * Block layer (blueprint §10 "Disks"): a BlockBackend is an open disk
 * image as a flat array of bytes, whatever the format underneath.  Device
 * models (IDE, floppy, SCSI later) see only this API.
 *
 * Formats: raw (any file or block device) and qcow2 (version 2 and 3,
 * read and write: L1/L2 tables, refcount tables and blocks, backing files
 * of either format, zero clusters; compressed clusters read-only;
 * encryption and external data files refused with a clear error).
 * snapshot=on (the -snapshot option) puts a temporary qcow2 overlay in
 * front of the image: the guest writes there, the image is never opened
 * for writing and the overlay is deleted at close.
 *
 * I/O is synchronous and complete: a call returns after every byte is
 * read or written (or with an error), in the order the guest issued them.
 * blk_flush reaches the host with fdatasync.  Metadata updates of qcow2
 * are ordered so that a crash leaves the image consistent (a leaked
 * cluster at worst, never a cluster referenced twice or a reference to
 * unwritten data).
 *
 *     char err[256];
 *     BlockBackend *blk = blk_open(&(BlockOpenOptions){.file = "d.qcow2"}, err, sizeof err);
 *     if (!blk) { fprintf(stderr, "doppel: -drive: %s\n", err); ... }
 *     blk_pread(blk, 512 * lba, buf, 512);
 */
#ifndef DOPPEL_BLOCK_H
#define DOPPEL_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct BlockBackend BlockBackend;

typedef struct BlockOpenOptions {
    const char *file;
    const char *format; /* "raw", "qcow2", NULL: probe (qcow2 magic, else raw) */
    bool read_only;     /* media=cdrom, readonly=on */
    bool snapshot;      /* -snapshot / snapshot=on: writes go to a temporary overlay */
} BlockOpenOptions;

/* NULL with one line in err (no "doppel:" prefix), e.g. "d.qcow2: not a
 * qcow2 image" or "d.img: No such file or directory". */
BlockBackend *blk_open(const BlockOpenOptions *opts, char *err, size_t errlen);
/* Flush, release everything; a snapshot overlay is deleted. */
void blk_close(BlockBackend *blk);

/* The virtual disk size in bytes. */
uint64_t blk_size(const BlockBackend *blk);
bool blk_is_read_only(const BlockBackend *blk);
const char *blk_format_name(const BlockBackend *blk); /* "raw", "qcow2" */
const char *blk_filename(const BlockBackend *blk);

/* 0 on success, or a negative errno (-EIO, -ENOSPC, -EROFS for a write to
 * a read-only backend, -EINVAL beyond the end).  Any offset and length. */
int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len);
int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len);
/* Everything written so far reaches stable storage (fdatasync). */
int blk_flush(BlockBackend *blk);

/* Create a qcow2 image (for tests and for snapshot overlays): size in
 * bytes, cluster_bits 9-21 (16 = 64 KiB, QEMU's default), an optional
 * backing file recorded by name with its format.  False with one line in
 * err. */
bool blk_create_qcow2(const char *file, uint64_t size, unsigned cluster_bits,
                      const char *backing_file, const char *backing_format, char *err,
                      size_t errlen);

/* ---- internal snapshots (qcow2.txt "Snapshots"; -snapshot overlays too) ----
 * The disk half of savevm/loadvm: a named copy of the image's mapping,
 * sharing clusters with the active image until either side writes them. */

/* The backend can hold internal snapshots (a qcow2 image or overlay). */
bool blk_snapshot_capable(const BlockBackend *blk);
/* Snapshot the current contents under name (an existing snapshot of that
 * name is replaced), recording the guest's virtual time.  False with one
 * line in err (raw image, read-only image, I/O error); the image stays
 * consistent. */
bool blk_snapshot_create(BlockBackend *blk, const char *name, uint64_t vm_clock_ns, char *err,
                         size_t errlen);
/* Make the named snapshot's contents the current ones (what was written
 * since is gone); the snapshot stays. */
bool blk_snapshot_revert(BlockBackend *blk, const char *name, char *err, size_t errlen);
bool blk_snapshot_delete(BlockBackend *blk, const char *name, char *err, size_t errlen);
bool blk_snapshot_exists(BlockBackend *blk, const char *name);

typedef struct BlockSnapshotInfo {
    char id[24];
    char name[128]; /* truncated if longer */
    uint32_t date_sec;
    uint64_t vm_clock_ns;
} BlockSnapshotInfo;

/* The snapshots in table order; *out is malloc'd (free it).  -1 with err. */
int blk_snapshot_list(BlockBackend *blk, BlockSnapshotInfo **out, char *err, size_t errlen);

#endif
