/*
 * The monitor's snapshot commands: savevm, loadvm, delvm and info
 * snapshots, over core/snapshot.h.  Errors are the snapshot layer's one
 * line, prefixed with the command.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "core/machine.h"
#include "core/monitor_internal.h"
#include "core/snapshot.h"

/* savevm [tag]: QEMU's default tag is the host date, "vm-20240131235959". */
void monitor_cmd_savevm(Monitor *mon, int argc, char **argv)
{
    char tag[64], err[256];
    if (argc < 2) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(tag, sizeof tag, "vm-%Y%m%d%H%M%S", &tm);
    }
    if (!snapshot_save(mon->machine, argc > 1 ? argv[1] : tag, err, sizeof err))
        monitor_printf(mon, "savevm: %s\n", err);
}

typedef bool SnapshotOp(Machine *m, const char *name, char *err, size_t errlen);

static void snapshot_command(Monitor *mon, int argc, char **argv, SnapshotOp *op)
{
    char err[256];
    if (argc < 2) {
        monitor_printf(mon, "%s: expected a snapshot tag (see 'info snapshots')\n", argv[0]);
        return;
    }
    if (!op(mon->machine, argv[1], err, sizeof err)) monitor_printf(mon, "%s: %s\n", argv[0], err);
}

void monitor_cmd_loadvm(Monitor *mon, int argc, char **argv)
{
    snapshot_command(mon, argc, argv, snapshot_load);
}

void monitor_cmd_delvm(Monitor *mon, int argc, char **argv)
{
    snapshot_command(mon, argc, argv, snapshot_delete);
}

/* QEMU's size words: three significant digits and a binary unit. */
static void format_size(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, "%0.3g %s", v, units[u]);
}

/* QEMU's table (ID, TAG, VM SIZE, DATE, VM CLOCK, ICOUNT); doppel's
 * snapshots are files, not per-disk entries, so the ID column is "--". */
void monitor_cmd_info_snapshots(Monitor *mon, int argc, char **argv)
{
    SnapshotInfo *list = NULL;
    char err[256];
    int n = snapshot_list(mon->machine, &list, err, sizeof err);
    if (n < 0) {
        monitor_printf(mon, "info snapshots: %s\n", err);
        return;
    }
    if (n == 0) {
        monitor_puts(mon, "There is no snapshot available.\n");
        free(list);
        return;
    }
    monitor_printf(mon, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK",
                   "ICOUNT");
    for (int i = 0; i < n; i++) {
        const SnapshotInfo *s = &list[i];
        char size[32], date[32], clock[32];
        struct tm tm;
        format_size(s->file_size, size, sizeof size);
        time_t when = s->date;
        localtime_r(&when, &tm);
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
        uint64_t ms = s->vm_clock_ns > 0 ? (uint64_t)s->vm_clock_ns / 1000000 : 0;
        snprintf(clock, sizeof clock, "%02" PRIu64 ":%02u:%02u.%03u", ms / 3600000,
                 (unsigned)(ms / 60000 % 60), (unsigned)(ms / 1000 % 60), (unsigned)(ms % 1000));
        monitor_printf(mon, "%-9s %-16s %8s%20s%13s%11" PRIu64 "\n", "--", s->name, size, date,
                       clock, s->icount);
    }
    free(list);
}
