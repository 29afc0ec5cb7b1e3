/* Stub until snapshots land (issue 7). */
#include "core/snapshot.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"

VmImage *vm_image_capture(Machine *m, char *err, size_t errlen)
{
    (void)m;
    snprintf(err, errlen, "snapshots are not available yet");
    return NULL;
}

bool vm_image_restore(Machine *m, const VmImage *img, char *err, size_t errlen)
{
    (void)m, (void)img;
    snprintf(err, errlen, "snapshots are not available yet");
    return false;
}

void vm_image_free(VmImage *img)
{
    (void)img;
}

size_t vm_image_size(const VmImage *img)
{
    (void)img;
    return 0;
}

uint64_t vm_image_icount(const VmImage *img)
{
    (void)img;
    return 0;
}

bool snapshot_name_valid(const char *name, char *err, size_t errlen)
{
    (void)name;
    snprintf(err, errlen, "snapshots are not available yet");
    return false;
}

bool snapshot_save(Machine *m, const char *name, char *err, size_t errlen)
{
    (void)m;
    return snapshot_name_valid(name, err, errlen);
}

bool snapshot_load(Machine *m, const char *name, char *err, size_t errlen)
{
    (void)m;
    return snapshot_name_valid(name, err, errlen);
}

bool snapshot_delete(Machine *m, const char *name, char *err, size_t errlen)
{
    (void)m;
    return snapshot_name_valid(name, err, errlen);
}

int snapshot_list(Machine *m, SnapshotInfo **out, char *err, size_t errlen)
{
    (void)m, (void)err, (void)errlen;
    *out = NULL;
    return 0;
}

bool snapshot_add_drive(Machine *m, const char *name, const SnapshotDriveOps *ops, void *opaque)
{
    (void)m, (void)name, (void)ops, (void)opaque;
    return true;
}

void snapshot_remove_drive(Machine *m, void *opaque)
{
    (void)m, (void)opaque;
}

void snapshot_machine_free(Machine *m)
{
    (void)m;
}
