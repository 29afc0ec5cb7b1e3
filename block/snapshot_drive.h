/*
 * Media that follow snapshots (core/snapshot.h "media that must follow
 * snapshots"): the SnapshotDriveOps a board registers for its block
 * devices, backed by the block layer's internal snapshots.  Media without
 * them (raw images here; Hercules DASD and AWS tapes, which are not block
 * backends) offer only .writable, so savevm refuses rather than let the
 * medium drift from the snapshot; devices with such media register a
 * SnapshotDriveOps with only .writable themselves.
 *
 *     snapshot_drive_add_block(m, blk, "ide", 0, false);  // "ide0-hd0"
 */
#ifndef DOPPEL_SNAPSHOT_DRIVE_H
#define DOPPEL_SNAPSHOT_DRIVE_H

#include <stdbool.h>

typedef struct BlockBackend BlockBackend;
typedef struct Machine Machine;

/* Register blk (NULL: nothing) under QEMU's drive name for iface
 * ("ide": ide<bus>-hd<unit> or ide<bus>-cd<unit>; "floppy": floppy<i>;
 * anything else: <iface><index>).  Its snapshots record m's virtual time.
 * Prints one line and returns false when the registry is full. */
bool snapshot_drive_add_block(Machine *m, BlockBackend *blk, const char *iface, int index,
                              bool cdrom);
#endif
