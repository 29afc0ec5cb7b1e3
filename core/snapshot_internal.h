/*
 * Private to the snapshot layer (core/snapshot*.c): the image as a list of
 * named sections, the RAM encoding, and the per-machine registries.
 *
 * Sections of an image, each a byte string:
 *   "cpu N"          the cpu's VMState table (ArchOps.vmstate)
 *   "device NAME"    a device's VMState, in machine->devices order
 *   "ram REGION"     one RAM region (snapshot_ram.c encoding)
 *   "clock"          virtual clock, icount, timer arming sequence
 *   "extra NAME"     machine state outside cpus and devices, from
 *                    snapshot_add_section (the S/370 storage keys)
 */
#ifndef DOPPEL_SNAPSHOT_INTERNAL_H
#define DOPPEL_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "core/snapshot_section.h"

#define SNAPSHOT_NAME_MAX    64
#define SNAPSHOT_SECTION_MAX 128 /* bytes of a section name, NUL included */

typedef struct SnapSection {
    char name[SNAPSHOT_SECTION_MAX];
    uint8_t *data;
    size_t len;
} SnapSection;

struct VmImage {
    char machine[64]; /* MachineClass.name */
    int ncpus;
    char arch[MACHINE_MAX_CPUS][16];
    uint64_t ram_size;
    time_t date;
    int64_t vm_clock_ns;
    uint64_t icount;
    SnapSection *sections;
    size_t nsections, cap;
};

/* Append a section that takes ownership of data (malloc'd). */
bool vm_image_add(VmImage *img, const char *name, uint8_t *data, size_t len);
/* Checks an image against m without changing anything (what restore
 * does first); err gets one line without the "snapshot 'x': " prefix. */
bool vm_image_check(Machine *m, const VmImage *img, char *err, size_t errlen);

/* ---- RAM (snapshot_ram.c) ----
 * A region's section: u64 size, u32 page size, a bitmap with one bit per
 * page set for pages that are not all zero, then those pages in order. */
uint8_t *snapshot_ram_encode(const uint8_t *host, uint64_t size, size_t *len);
/* Whether data is a well-formed encoding of a region of size bytes. */
bool snapshot_ram_check(const uint8_t *data, size_t len, uint64_t size, char *err, size_t errlen);
/* Write a checked encoding back; zero pages already zero are not touched
 * (untouched anonymous memory stays uncommitted). */
void snapshot_ram_apply(uint8_t *host, uint64_t size, const uint8_t *data, size_t len);

/* ---- per-machine registries (snapshot_media.c) ---- */

typedef struct SnapshotDrive {
    char name[64];
    const SnapshotDriveOps *ops;
    void *opaque;
} SnapshotDrive;

typedef struct SnapshotExtra {
    char name[64];
    const SnapshotSectionOps *ops;
    void *opaque;
    /* snapshot_add_bytes_section: the array (opaque is this entry). */
    uint8_t *bytes;
    size_t nbytes;
} SnapshotExtra;

#define SNAPSHOT_MAX_DRIVES 32
#define SNAPSHOT_MAX_EXTRAS 8

struct SnapshotDrives {
    SnapshotDrive drives[SNAPSHOT_MAX_DRIVES];
    int ndrives;
    SnapshotExtra extras[SNAPSHOT_MAX_EXTRAS];
    int nextras;
    /* RAM a device owns and maps only at times (a PCI BAR): saved and
     * loaded whether mapped now or not (snapshot_add_ram). */
    struct MemoryRegion *rams[SNAPSHOT_MAX_EXTRAS];
    int nrams;
};

/* The opaque an extra section's ops are called with. */
void *snapshot_extra_opaque(SnapshotExtra *e);

/* The machine's registries (NULL when nothing was registered). */
static inline struct SnapshotDrives *snapshot_registry(Machine *m)
{
    return m->snapshot_drives;
}

/* Media steps of savevm/loadvm/delvm; each false with one line in err.
 * Save refuses, before anything is written, when a writable medium cannot
 * keep a snapshot; on failure what was created is removed again. */
bool snapshot_media_check_save(Machine *m, char *err, size_t errlen);
bool snapshot_media_create(Machine *m, const char *name, char *err, size_t errlen);
bool snapshot_media_check_load(Machine *m, const char *name, char *err, size_t errlen);
bool snapshot_media_revert(Machine *m, const char *name, char *err, size_t errlen);
void snapshot_media_remove(Machine *m, const char *name);

#endif
