/* qcow2: host file access and the small write-through table cache. */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "block/qcow2_internal.h"

int qcow2_host_read(Qcow2State *s, uint64_t offset, void *buf, size_t len)
{
    int64_t n = block_pread_full(s->fd, buf, len, offset);
    if (n < 0) return (int)n;
    memset((char *)buf + n, 0, len - (size_t)n);
    return 0;
}

int qcow2_host_write(Qcow2State *s, uint64_t offset, const void *buf, size_t len)
{
    int ret = block_pwrite_full(s->fd, buf, len, offset);
    if (ret == 0 && offset + len > s->file_size) s->file_size = offset + len;
    return ret;
}

int qcow2_write_be64(Qcow2State *s, uint64_t offset, uint64_t value)
{
    uint64_t be = htobe64(value);
    return qcow2_host_write(s, offset, &be, sizeof be);
}

bool qcow2_cache_init(Qcow2Cache *c, unsigned nslots, uint64_t cluster_size)
{
    c->clock = 0;
    c->nslots = nslots;
    c->slots = calloc(nslots, sizeof *c->slots);
    if (!c->slots) return false;
    for (unsigned i = 0; i < nslots; i++) {
        c->slots[i].data = malloc(cluster_size);
        if (!c->slots[i].data) return false;
    }
    return true;
}

void qcow2_cache_free(Qcow2Cache *c)
{
    if (!c->slots) return;
    for (unsigned i = 0; i < c->nslots; i++)
        free(c->slots[i].data);
    free(c->slots);
    c->slots = NULL;
}

int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **table)
{
    Qcow2CacheSlot *victim = &c->slots[0];
    for (unsigned i = 0; i < c->nslots; i++) {
        Qcow2CacheSlot *slot = &c->slots[i];
        if (slot->offset == offset && offset) {
            slot->last_use = ++c->clock;
            *table = slot->data;
            return 0;
        }
        if (slot->last_use < victim->last_use) victim = slot;
    }
    /* A table at offset 0 would be the header; beyond the end of the file
     * there is nothing: both only happen in corrupt images. */
    if (offset == 0 || (offset & (s->cluster_size - 1)) || offset >= s->file_size) return -EIO;
    victim->offset = 0;
    int ret = qcow2_host_read(s, offset, victim->data, s->cluster_size);
    if (ret < 0) return ret;
    victim->offset = offset;
    victim->last_use = ++c->clock;
    *table = victim->data;
    return 0;
}

void qcow2_cache_forget(Qcow2Cache *c, uint64_t offset)
{
    for (unsigned i = 0; i < c->nslots; i++)
        if (c->slots[i].offset == offset) c->slots[i].offset = 0;
}
