/*
 * VM snapshots (blueprint §10): the whole machine state — every cpu
 * (ArchOps.vmstate), every device (DeviceClass.vmstate, walked by
 * core/vmstate.c), guest RAM, the virtual clock and pending timers — as
 * one image, in memory (reverse execution) or in a file (savevm/loadvm).
 *
 * File: <snapshot dir>/<name>.dsnap, the directory from -snapshot-dir
 * (default: the current directory).  A versioned header names the
 * machine, the cpu architectures, the RAM size, the date, the virtual
 * time and icount; then sections (cpu, device, ram, clock), each with its
 * length and a CRC-32.  Loading validates the whole file (magic, version,
 * machine, layout of every section, every checksum) before it changes
 * anything, so a corrupt or mismatched file is one error line and the
 * running guest is untouched.
 *
 * Disks: a writable disk must keep its contents with the snapshot or the
 * guest's view of it would go back in time without its data.  Boards and
 * devices register their media with snapshot_add_drive; savevm creates an
 * internal snapshot of the same name on each writable medium that has
 * them (qcow2, and -snapshot overlays) and refuses, changing nothing, when
 * a writable medium has none (raw images); loadvm reverts the media.
 *
 *     char err[256];
 *     if (!snapshot_save(m, "boot", err, sizeof err)) ...print err...
 *     if (!snapshot_load(m, "boot", err, sizeof err)) ...
 */
#ifndef DOPPEL_SNAPSHOT_H
#define DOPPEL_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct Machine Machine;

/* ---- whole-machine images in memory (reverse debugging, tests) ---- */

typedef struct VmImage VmImage;

/* Capture the state of a stopped or running machine between slices (not
 * from inside a TB).  NULL with one line in err when a cpu or device has
 * no state description. */
VmImage *vm_image_capture(Machine *m, char *err, size_t errlen);
/* Put m back into the captured state (cpus, devices, RAM, clocks); TBs
 * and TLBs are flushed.  False with one line in err, m untouched, when
 * the image does not fit this machine. */
bool vm_image_restore(Machine *m, const VmImage *img, char *err, size_t errlen);
void vm_image_free(VmImage *img);
/* Bytes the image holds (bounded memory for periodic snapshots). */
size_t vm_image_size(const VmImage *img);
/* The guest instruction count (sum over cpus) when it was captured. */
uint64_t vm_image_icount(const VmImage *img);

/* ---- named snapshots in files (monitor savevm/loadvm, QMP, -loadvm) ---- */

/* Snapshot names: 1-63 characters of [A-Za-z0-9_.-], not starting with
 * '.'; anything else is refused with one line. */
bool snapshot_name_valid(const char *name, char *err, size_t errlen);

bool snapshot_save(Machine *m, const char *name, char *err, size_t errlen);
bool snapshot_load(Machine *m, const char *name, char *err, size_t errlen);
bool snapshot_delete(Machine *m, const char *name, char *err, size_t errlen);

typedef struct SnapshotInfo {
    char name[64];
    time_t date;         /* host time of savevm */
    int64_t vm_clock_ns; /* guest virtual time */
    uint64_t icount;     /* guest instructions executed */
    uint64_t file_size;  /* bytes */
} SnapshotInfo;

/* The snapshots of this machine's kind in the snapshot directory, sorted
 * by date; *out is malloc'd (free it).  Returns the count, -1 with err on
 * an unreadable directory.  Files of other machines are skipped. */
int snapshot_list(Machine *m, SnapshotInfo **out, char *err, size_t errlen);

/* ---- media that must follow snapshots ---- */

typedef struct SnapshotDriveOps {
    /* The guest can change the medium now (writable and not read-only). */
    bool (*writable)(void *opaque);
    /* Internal snapshots of the medium; all NULL when the format has none. */
    bool (*create)(void *opaque, const char *name, char *err, size_t errlen);
    bool (*revert)(void *opaque, const char *name, char *err, size_t errlen);
    bool (*remove)(void *opaque, const char *name, char *err, size_t errlen);
    bool (*exists)(void *opaque, const char *name);
} SnapshotDriveOps;

/* name: for messages ("ide0-hd0", "dasd 0190").  False when the table is
 * full (32 media). */
bool snapshot_add_drive(Machine *m, const char *name, const SnapshotDriveOps *ops, void *opaque);
void snapshot_remove_drive(Machine *m, void *opaque);

/* Free what the snapshot layer keeps for m (machine_destroy calls it). */
void snapshot_machine_free(Machine *m);

#endif
