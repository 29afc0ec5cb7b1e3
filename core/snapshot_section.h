/*
 * Machine state that is neither a cpu nor a device nor RAM, kept in
 * snapshots as its own section (the S/370 storage keys: one byte per
 * 2 KiB of main storage, owned by the board).  An addition of the
 * snapshot layer beside core/snapshot.h (a contract header).
 *
 *     static const SnapshotSectionOps keys_ops = {keys_size, keys_save, keys_check, keys_load};
 *     snapshot_add_section(m, "storage-keys", &keys_ops, board);
 */
#ifndef DOPPEL_SNAPSHOT_SECTION_H
#define DOPPEL_SNAPSHOT_SECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;

typedef struct SnapshotSectionOps {
    /* Bytes save writes. */
    size_t (*size)(void *opaque);
    void (*save)(void *opaque, uint8_t *buf);
    /* Whether buf can be loaded (one line in err if not); load then
     * cannot fail. */
    bool (*check)(void *opaque, const uint8_t *buf, size_t len, char *err, size_t errlen);
    void (*load)(void *opaque, const uint8_t *buf, size_t len);
} SnapshotSectionOps;

/* name: 1-63 characters, unique per machine.  False when the table is
 * full (8 sections) or the name is taken. */
bool snapshot_add_section(Machine *m, const char *name, const SnapshotSectionOps *ops,
                          void *opaque);
void snapshot_remove_section(Machine *m, void *opaque);

/* The common case: a byte array of fixed length (storage keys). */
bool snapshot_add_bytes_section(Machine *m, const char *name, uint8_t *bytes, size_t len);

/* A RAM region its device maps only at times (video memory behind a PCI
 * BAR the firmware has not programmed yet): snapshots hold it, like the
 * RAM of the memory map, whether it is mapped at the moment or not. */
struct MemoryRegion;
bool snapshot_add_ram(Machine *m, struct MemoryRegion *mr);
void snapshot_remove_ram(Machine *m, struct MemoryRegion *mr);

#endif
