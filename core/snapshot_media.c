/*
 * What a snapshot must carry besides cpus, devices and RAM: the media
 * (internal snapshots of writable disks, so the guest's view of a disk
 * goes back in time with its data) and machine-level state sections.
 * Both registries hang off Machine.snapshot_drives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot_internal.h"

static struct SnapshotDrives *registry_get(Machine *m)
{
    if (!m->snapshot_drives) m->snapshot_drives = calloc(1, sizeof *m->snapshot_drives);
    return m->snapshot_drives;
}

void snapshot_machine_free(Machine *m)
{
    free(m->snapshot_drives);
    m->snapshot_drives = NULL;
}

/* ---- media ---- */

bool snapshot_add_drive(Machine *m, const char *name, const SnapshotDriveOps *ops, void *opaque)
{
    struct SnapshotDrives *r = registry_get(m);
    if (!r || r->ndrives == SNAPSHOT_MAX_DRIVES) return false;
    SnapshotDrive *d = &r->drives[r->ndrives++];
    snprintf(d->name, sizeof d->name, "%s", name);
    d->ops = ops;
    d->opaque = opaque;
    return true;
}

void snapshot_remove_drive(Machine *m, void *opaque)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->ndrives; i++) {
        if (r->drives[i].opaque != opaque) continue;
        memmove(&r->drives[i], &r->drives[i + 1],
                (size_t)(r->ndrives - i - 1) * sizeof r->drives[0]);
        r->ndrives--;
        i--;
    }
}

static bool drive_writable(const SnapshotDrive *d)
{
    return d->ops->writable && d->ops->writable(d->opaque);
}

bool snapshot_media_check_save(Machine *m, char *err, size_t errlen)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->ndrives; i++) {
        const SnapshotDrive *d = &r->drives[i];
        if (drive_writable(d) && !d->ops->create) {
            snprintf(err, errlen,
                     "disk '%s' is writable and cannot keep a snapshot: use qcow2, -snapshot, or "
                     "readonly=on",
                     d->name);
            return false;
        }
    }
    return true;
}

bool snapshot_media_create(Machine *m, const char *name, char *err, size_t errlen)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->ndrives; i++) {
        const SnapshotDrive *d = &r->drives[i];
        if (!d->ops->create) continue;
        /* savevm of an existing name replaces it, on the disks too. */
        if (d->ops->exists && d->ops->exists(d->opaque, name) && d->ops->remove)
            d->ops->remove(d->opaque, name, err, errlen);
        char why[256] = "";
        if (d->ops->create(d->opaque, name, why, sizeof why)) continue;
        snprintf(err, errlen, "disk '%s': %s", d->name, why);
        for (int j = 0; j < i; j++) {
            const SnapshotDrive *u = &r->drives[j];
            if (u->ops->create && u->ops->remove) u->ops->remove(u->opaque, name, why, sizeof why);
        }
        return false;
    }
    return true;
}

bool snapshot_media_check_load(Machine *m, const char *name, char *err, size_t errlen)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->ndrives; i++) {
        const SnapshotDrive *d = &r->drives[i];
        if (!d->ops->revert) {
            if (drive_writable(d)) {
                snprintf(err, errlen, "disk '%s' is writable and cannot go back to a snapshot",
                         d->name);
                return false;
            }
            continue;
        }
        if (d->ops->exists && !d->ops->exists(d->opaque, name)) {
            snprintf(err, errlen, "disk '%s' has no snapshot '%s'", d->name, name);
            return false;
        }
    }
    return true;
}

bool snapshot_media_revert(Machine *m, const char *name, char *err, size_t errlen)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->ndrives; i++) {
        const SnapshotDrive *d = &r->drives[i];
        if (!d->ops->revert) continue;
        char why[256] = "";
        if (!d->ops->revert(d->opaque, name, why, sizeof why)) {
            snprintf(err, errlen, "disk '%s': %s", d->name, why);
            return false;
        }
    }
    return true;
}

void snapshot_media_remove(Machine *m, const char *name)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->ndrives; i++) {
        const SnapshotDrive *d = &r->drives[i];
        char why[256];
        if (!d->ops->remove || (d->ops->exists && !d->ops->exists(d->opaque, name))) continue;
        d->ops->remove(d->opaque, name, why, sizeof why);
    }
}

/* ---- machine-level sections ---- */

bool snapshot_add_section(Machine *m, const char *name, const SnapshotSectionOps *ops, void *opaque)
{
    struct SnapshotDrives *r = registry_get(m);
    if (!r || r->nextras == SNAPSHOT_MAX_EXTRAS || !name[0] || strlen(name) >= 64) return false;
    for (int i = 0; i < r->nextras; i++)
        if (strcmp(r->extras[i].name, name) == 0) return false;
    SnapshotExtra *e = &r->extras[r->nextras++];
    *e = (SnapshotExtra){.ops = ops, .opaque = opaque};
    snprintf(e->name, sizeof e->name, "%s", name);
    return true;
}

bool snapshot_add_ram(Machine *m, struct MemoryRegion *mr)
{
    struct SnapshotDrives *r = registry_get(m);
    if (!r || r->nrams == SNAPSHOT_MAX_EXTRAS) return false;
    r->rams[r->nrams++] = mr;
    return true;
}

void snapshot_remove_ram(Machine *m, struct MemoryRegion *mr)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->nrams; i++) {
        if (r->rams[i] != mr) continue;
        memmove(&r->rams[i], &r->rams[i + 1], (size_t)(r->nrams - i - 1) * sizeof r->rams[0]);
        r->nrams--;
        i--;
    }
}

void snapshot_remove_section(Machine *m, void *opaque)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->nextras; i++) {
        SnapshotExtra *e = &r->extras[i];
        if (e->opaque != opaque && !(e->bytes && e->bytes == opaque)) continue;
        memmove(e, e + 1, (size_t)(r->nextras - i - 1) * sizeof *e);
        r->nextras--;
        i--;
    }
}

/* Byte-array sections: the registry entry is the opaque.  Entries move
 * when one before them is removed, so the ops look the entry up by the
 * array it names. */
static size_t bytes_size(void *opaque)
{
    return ((SnapshotExtra *)opaque)->nbytes;
}

static void bytes_save(void *opaque, uint8_t *buf)
{
    SnapshotExtra *e = opaque;
    memcpy(buf, e->bytes, e->nbytes);
}

static bool bytes_check(void *opaque, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    SnapshotExtra *e = opaque;
    if (len == e->nbytes) return true;
    snprintf(err, errlen, "%s: %zu bytes saved, this machine has %zu", e->name, len, e->nbytes);
    return false;
}

static void bytes_load(void *opaque, const uint8_t *buf, size_t len)
{
    SnapshotExtra *e = opaque;
    memcpy(e->bytes, buf, len);
}

static const SnapshotSectionOps bytes_ops = {bytes_size, bytes_save, bytes_check, bytes_load};

bool snapshot_add_bytes_section(Machine *m, const char *name, uint8_t *bytes, size_t len)
{
    if (!snapshot_add_section(m, name, &bytes_ops, NULL)) return false;
    SnapshotExtra *e = &m->snapshot_drives->extras[m->snapshot_drives->nextras - 1];
    e->bytes = bytes;
    e->nbytes = len;
    return true;
}

/* Byte arrays get their entry; other sections their own opaque. */
void *snapshot_extra_opaque(SnapshotExtra *e)
{
    return e->bytes ? (void *)e : e->opaque;
}
