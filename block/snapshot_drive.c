/*
 * SnapshotDriveOps over the block layer: savevm creates an internal
 * snapshot of the same name on each qcow2 medium (or -snapshot overlay),
 * loadvm reverts it; a writable medium without internal snapshots (raw)
 * offers none, which makes savevm refuse.
 */
#include "block/snapshot_drive.h"

#include <stdio.h>
#include <string.h>

#include "block/block.h"
#include "block/block_internal.h"
#include "core/clock.h"
#include "core/machine.h"
#include "core/snapshot.h"

static bool blk_drive_writable(void *opaque)
{
    return !blk_is_read_only(opaque);
}

static bool blk_drive_create(void *opaque, const char *name, char *err, size_t errlen)
{
    BlockBackend *blk = opaque;
    int64_t now = blk->snapshot_clocks ? clock_get_ns(blk->snapshot_clocks, CLK_VIRTUAL) : 0;
    return blk_snapshot_create(blk, name, (uint64_t)now, err, errlen);
}

static bool blk_drive_revert(void *opaque, const char *name, char *err, size_t errlen)
{
    return blk_snapshot_revert(opaque, name, err, errlen);
}

static bool blk_drive_remove(void *opaque, const char *name, char *err, size_t errlen)
{
    return blk_snapshot_delete(opaque, name, err, errlen);
}

static bool blk_drive_exists(void *opaque, const char *name)
{
    return blk_snapshot_exists(opaque, name);
}

static const SnapshotDriveOps blk_snapshot_ops = {
    .writable = blk_drive_writable,
    .create = blk_drive_create,
    .revert = blk_drive_revert,
    .remove = blk_drive_remove,
    .exists = blk_drive_exists,
};

/* Raw images and other formats without internal snapshots. */
static const SnapshotDriveOps blk_plain_ops = {
    .writable = blk_drive_writable,
};

bool snapshot_drive_add_block(Machine *m, BlockBackend *blk, const char *iface, int index,
                              bool cdrom)
{
    if (!m || !blk) return true;
    char name[32];
    if (!strcmp(iface, "ide"))
        snprintf(name, sizeof name, "ide%d-%s%d", index / 2, cdrom ? "cd" : "hd", index % 2);
    else
        snprintf(name, sizeof name, "%s%d", iface, index);
    blk->snapshot_clocks = m->clocks;
    const SnapshotDriveOps *ops = blk_snapshot_capable(blk) ? &blk_snapshot_ops : &blk_plain_ops;
    if (snapshot_add_drive(m, name, ops, blk)) return true;
    fprintf(stderr, "doppel: %s: too many drives for snapshots\n", name);
    return false;
}
