/*
 * RAM in snapshots: pages that are all zero are a clear bit in a bitmap
 * and nothing else, so an image costs what the guest has written, and a
 * restore touches only pages that differ from zero.  (Files compress the
 * encoding further, snapshot_file.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/snapshot_internal.h"

#define RAM_PAGE_SIZE 4096u
#define RAM_HEADER    12u /* u64 region size, u32 page size */

static bool page_is_zero(const uint8_t *p, size_t n)
{
    const uint64_t *w = (const uint64_t *)p;
    for (size_t i = 0; i < n / 8; i++)
        if (w[i]) return false;
    for (size_t i = n & ~(size_t)7; i < n; i++)
        if (p[i]) return false;
    return true;
}

static uint64_t ram_npages(uint64_t size)
{
    return (size + RAM_PAGE_SIZE - 1) / RAM_PAGE_SIZE;
}

static size_t page_len(uint64_t size, uint64_t page)
{
    uint64_t left = size - page * RAM_PAGE_SIZE;
    return left < RAM_PAGE_SIZE ? (size_t)left : RAM_PAGE_SIZE;
}

uint8_t *snapshot_ram_encode(const uint8_t *host, uint64_t size, size_t *len)
{
    uint64_t npages = ram_npages(size);
    size_t bitmap_len = (size_t)((npages + 7) / 8);
    uint8_t *bitmap = calloc(1, bitmap_len + 1);
    if (!bitmap) return NULL;
    uint64_t nonzero = 0;
    for (uint64_t p = 0; p < npages; p++) {
        if (page_is_zero(host + p * RAM_PAGE_SIZE, page_len(size, p))) continue;
        bitmap[p / 8] |= (uint8_t)(1u << (p % 8));
        nonzero++;
    }
    size_t total = RAM_HEADER + bitmap_len + (size_t)(nonzero * RAM_PAGE_SIZE);
    uint8_t *out = malloc(total);
    if (!out) {
        free(bitmap);
        return NULL;
    }
    put_le64(out, size);
    put_le32(out + 8, RAM_PAGE_SIZE);
    memcpy(out + RAM_HEADER, bitmap, bitmap_len);
    uint8_t *w = out + RAM_HEADER + bitmap_len;
    for (uint64_t p = 0; p < npages; p++) {
        if (!(bitmap[p / 8] & (1u << (p % 8)))) continue;
        memcpy(w, host + p * RAM_PAGE_SIZE, page_len(size, p));
        w += RAM_PAGE_SIZE; /* a short last page keeps a full slot */
    }
    free(bitmap);
    *len = (size_t)(w - out);
    return out;
}

static uint64_t bitmap_count(const uint8_t *bitmap, size_t len)
{
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (uint64_t)__builtin_popcount(bitmap[i]);
    return n;
}

bool snapshot_ram_check(const uint8_t *data, size_t len, uint64_t size, char *err, size_t errlen)
{
    if (len < RAM_HEADER) {
        snprintf(err, errlen, "truncated");
        return false;
    }
    uint64_t saved_size = get_le64(data);
    if (saved_size != size) {
        snprintf(err, errlen, "%llu bytes saved, this machine has %llu",
                 (unsigned long long)saved_size, (unsigned long long)size);
        return false;
    }
    if (get_le32(data + 8) != RAM_PAGE_SIZE) {
        snprintf(err, errlen, "page size %u, this build uses %u", get_le32(data + 8),
                 RAM_PAGE_SIZE);
        return false;
    }
    uint64_t npages = ram_npages(size);
    size_t bitmap_len = (size_t)((npages + 7) / 8);
    if (len - RAM_HEADER < bitmap_len) {
        snprintf(err, errlen, "truncated page map");
        return false;
    }
    const uint8_t *bitmap = data + RAM_HEADER;
    /* Bits past the last page must be clear: a flipped one would be a
     * page with nowhere to go. */
    if (npages % 8 && (bitmap[bitmap_len - 1] >> (npages % 8))) {
        snprintf(err, errlen, "page map names pages past the end");
        return false;
    }
    uint64_t pages = bitmap_count(bitmap, bitmap_len);
    if ((uint64_t)(len - RAM_HEADER - bitmap_len) != pages * RAM_PAGE_SIZE) {
        snprintf(err, errlen, "%llu pages listed, %zu bytes of pages", (unsigned long long)pages,
                 len - RAM_HEADER - bitmap_len);
        return false;
    }
    return true;
}

void snapshot_ram_apply(uint8_t *host, uint64_t size, const uint8_t *data, size_t len)
{
    uint64_t npages = ram_npages(size);
    size_t bitmap_len = (size_t)((npages + 7) / 8);
    const uint8_t *bitmap = data + RAM_HEADER;
    const uint8_t *r = data + RAM_HEADER + bitmap_len;
    for (uint64_t p = 0; p < npages; p++) {
        uint8_t *page = host + p * RAM_PAGE_SIZE;
        size_t n = page_len(size, p);
        if (bitmap[p / 8] & (1u << (p % 8))) {
            memcpy(page, r, n);
            r += RAM_PAGE_SIZE;
        } else if (!page_is_zero(page, n)) {
            memset(page, 0, n);
        }
    }
    (void)len;
}
