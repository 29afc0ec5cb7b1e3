/*
 * Physical accesses (blueprint §7): the byte accessor behind the CPU slow
 * path, DMA and loaders; IO dispatch in the sizes a device accepts; code
 * page marks.  The rules are documented in softmmu/memory.h.
 */
#include <inttypes.h>
#include <string.h>

#include "core/tb.h"
#include "softmmu/internal.h"
#include "softmmu/memory.h"

bool mr_code_any(const MemoryRegion *mr, uint64_t offset, uint64_t len)
{
    if (!mr->code_bitmap || len == 0 || offset >= mr->size) return false;
    uint64_t end = offset + len < mr->size ? offset + len : mr->size;
    uint64_t bit = offset >> CODE_PAGE_BITS, last = (end - 1) >> CODE_PAGE_BITS;
    while (bit <= last) {
        /* Whole bitmap bytes at a time where the range covers them. */
        if (!(bit & 7) && bit + 7 <= last) {
            if (mr->code_bitmap[bit / 8]) return true;
            bit += 8;
            continue;
        }
        if ((mr->code_bitmap[bit / 8] >> (bit % 8)) & 1) return true;
        bit++;
    }
    return false;
}

uint64_t mr_code_units(const MemoryRegion *mr, uint64_t offset, uint64_t psize)
{
    if ((psize >> CODE_PAGE_BITS) > 64) return mr_code_any(mr, offset, psize) ? ~UINT64_C(0) : 0;
    uint64_t bits = 0;
    for (unsigned u = 0; u < (psize >> CODE_PAGE_BITS); u++) {
        uint64_t o = offset + ((uint64_t)u << CODE_PAGE_BITS);
        if (o < mr->size && mr_code_test(mr, o)) bits |= UINT64_C(1) << u;
    }
    return bits;
}

/* ---- IO dispatch ---- */

/* Device value <-> bytes in address order, per the device's endianness. */
static uint64_t io_pack(const uint8_t *b, unsigned size, DeviceEndian endian)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        unsigned shift = endian == DEVICE_BIG_ENDIAN ? 8 * (size - 1 - k) : 8 * k;
        v |= (uint64_t)b[k] << shift;
    }
    return v;
}

static void io_unpack(uint64_t v, uint8_t *b, unsigned size, DeviceEndian endian)
{
    for (unsigned k = 0; k < size; k++) {
        unsigned shift = endian == DEVICE_BIG_ENDIAN ? 8 * (size - 1 - k) : 8 * k;
        b[k] = (uint8_t)(v >> shift);
    }
}

/* Largest valid size the device takes at offset cur with rem bytes left,
 * or 0 if none fits and the access must be widened. */
static unsigned io_chunk_size(const MemoryRegionOps *ops, unsigned min, unsigned max, uint64_t cur,
                              uint64_t rem)
{
    for (unsigned a = max; a >= min; a >>= 1)
        if (a <= rem && (ops->unaligned || (cur & (a - 1)) == 0)) return a;
    return 0;
}

static MemTxResult io_access(MemoryRegion *mr, uint64_t offset, uint8_t *buf, uint64_t len,
                             bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    if (!ops || !(is_write ? (void *)ops->write : (void *)ops->read)) {
        softmmu_guest_error("%s of %s+0x%" PRIx64 ": device has no handler\n",
                            is_write ? "write" : "read", mr->name, offset);
        if (!is_write) memset(buf, 0xff, len);
        return MEMTX_ERROR;
    }
    unsigned min = ops->min_access_size ? ops->min_access_size : 1;
    unsigned max = ops->max_access_size ? ops->max_access_size : 4;
    uint64_t end = offset + len;
    for (uint64_t cur = offset; cur < end;) {
        unsigned size = io_chunk_size(ops, min, max, cur, end - cur);
        uint64_t base = cur;
        if (size == 0) {
            /* Narrower than the device's minimum: widen to the aligned
             * minimum-size unit (see memory.h). */
            size = min;
            base = cur & ~(uint64_t)(min - 1);
            softmmu_guest_error("%s of %" PRIu64 " bytes at %s+0x%" PRIx64 " widened to %u bytes\n",
                                is_write ? "write" : "read", end - cur, mr->name, cur, size);
        }
        uint64_t n = base + size - cur < end - cur ? base + size - cur : end - cur;
        uint8_t unit[8];
        if (is_write) {
            memset(unit, 0, sizeof(unit));
            memcpy(unit + (cur - base), buf + (cur - offset), n);
            ops->write(mr->opaque, base, io_pack(unit, size, ops->endianness), size);
        } else {
            io_unpack(ops->read(mr->opaque, base, size), unit, size, ops->endianness);
            memcpy(buf + (cur - offset), unit + (cur - base), n);
        }
        cur += n;
    }
    return MEMTX_OK;
}

/* ---- code pages ---- */

/* Invalidate the TBs translated from [offset, offset + len) of mr through
 * every physical address that maps it (aliases, several windows onto one
 * RAM): TBs are keyed by physical address.  Returns whether any code
 * remains in that range's unit afterwards. */
static bool physmem_invalidate_mappings(AddressSpace *as, CPUState *cpu, MemoryRegion *mr,
                                        uint64_t offset, uint64_t len)
{
    bool still = false;
    const FlatView *v = as->view;
    for (unsigned i = 0; i < v->nsections; i++) {
        const FlatSection *sec = &v->sections[i];
        if (sec->mr != mr) continue;
        uint64_t lo = sec->offset_in_mr, hi = lo + (sec->end - sec->start);
        uint64_t s = offset > lo ? offset : lo, e = offset + len < hi ? offset + len : hi;
        if (s < e)
            still |= tb_invalidate_phys_range(as->tb_cache, cpu, sec->start + (s - lo), e - s);
        /* Code elsewhere in the same unit keeps it marked. */
        uint64_t unit = offset & ~(CODE_PAGE_SIZE - 1);
        if (!still && unit + CODE_PAGE_SIZE > lo && unit < hi) {
            uint64_t u = unit > lo ? unit : lo;
            still = tb_page_has_code(as->tb_cache, sec->start + (u - lo));
        }
    }
    return still;
}

/* Drop translations of the marked code units in [offset, offset + len) of
 * mr before they are overwritten; units left without code lose their mark,
 * and TLB entries their TLB_NOTDIRTY. */
static void physmem_invalidate_code(AddressSpace *as, CPUState *cpu, MemoryRegion *mr,
                                    uint64_t offset, uint64_t len)
{
    uint64_t end = offset + len;
    for (uint64_t o = offset; o < end;) {
        uint64_t unit_end = (o | (CODE_PAGE_SIZE - 1)) + 1;
        uint64_t n = (unit_end < end ? unit_end : end) - o;
        if (mr_code_test(mr, o)) {
            bool still = as->tb_cache && physmem_invalidate_mappings(as, cpu, mr, o, n);
            if (!still) {
                mr_code_set(mr, o, false);
                tlb_set_notdirty(as, mr->host + (o & ~(CODE_PAGE_SIZE - 1)), CODE_PAGE_SIZE, false);
            }
        }
        o += n;
    }
}

void physmem_invalidate_code_range(AddressSpace *as, CPUState *cpu, uint64_t paddr, uint64_t len)
{
    const FlatSection *s = address_space_lookup(as, paddr);
    if (!s || s->mr->kind != MR_RAM) return;
    uint64_t offset = s->offset_in_mr + (paddr - s->start);
    if (mr_code_any(s->mr, offset, len)) physmem_invalidate_code(as, cpu, s->mr, offset, len);
}

void memory_mark_code(AddressSpace *as, uint64_t paddr, uint64_t len)
{
    while (len) {
        const FlatView *v = as->view;
        unsigned i = flatview_search(v, paddr);
        if (i >= v->nsections) return;
        const FlatSection *s = &v->sections[i];
        if (s->start > paddr) {
            if (s->start - paddr >= len) return;
            len -= s->start - paddr;
            paddr = s->start;
        }
        uint64_t n = s->end - paddr < len ? s->end - paddr : len;
        MemoryRegion *mr = s->mr;
        if (mr->code_bitmap) {
            uint64_t lo = (s->offset_in_mr + (paddr - s->start)) & ~(CODE_PAGE_SIZE - 1);
            uint64_t hi = s->offset_in_mr + (paddr - s->start) + n;
            /* Units already marked have TLB_NOTDIRTY wherever mapped. */
            bool fresh = false;
            for (uint64_t o = lo; o < hi; o += CODE_PAGE_SIZE) {
                fresh |= !mr_code_test(mr, o);
                mr_code_set(mr, o, true);
            }
            if (fresh) tlb_set_notdirty(as, mr->host + lo, hi - lo, true);
        }
        paddr += n;
        len -= n;
    }
}

/* ---- the byte accessor ---- */

static MemTxResult physmem_access_section(AddressSpace *as, CPUState *cpu, const FlatSection *s,
                                          uint64_t offset, uint64_t paddr, uint8_t *buf,
                                          uint64_t len, AccessMode mode)
{
    MemoryRegion *mr = s->mr;
    if (mr->kind == MR_IO) return io_access(mr, offset, buf, len, mode != ACCESS_READ);
    if (mode == ACCESS_READ) {
        memcpy(buf, mr->host + offset, len);
        return MEMTX_OK;
    }
    if ((mr->kind == MR_ROM || s->readonly) && mode == ACCESS_WRITE) {
        softmmu_guest_error("write of %" PRIu64 " bytes to ROM %s+0x%" PRIx64 " dropped\n", len,
                            mr->name, offset);
        return MEMTX_OK;
    }
    if (mr_code_any(mr, offset, len)) physmem_invalidate_code(as, cpu, mr, offset, len);
    memcpy(mr->host + offset, buf, len);
    return MEMTX_OK;
}

MemTxResult physmem_access(AddressSpace *as, CPUState *cpu, uint64_t paddr, uint8_t *buf,
                           uint64_t len, AccessMode mode)
{
    MemTxResult res = MEMTX_OK;
    while (len) {
        /* Looked up afresh each round: a device callback may remap. */
        const FlatView *v = as->view;
        unsigned i = flatview_search(v, paddr);
        const FlatSection *s = i < v->nsections ? &v->sections[i] : NULL;
        uint64_t n;
        MemTxResult r;
        if (!s || s->start > paddr) {
            n = s && s->start - paddr < len ? s->start - paddr : len;
            if (mode == ACCESS_READ) memset(buf, 0xff, n);
            softmmu_guest_error("%s of %" PRIu64 " bytes at unmapped 0x%" PRIx64 "\n",
                                mode == ACCESS_READ ? "read" : "write", n, paddr);
            r = MEMTX_DECODE_ERROR;
        } else {
            n = s->end - paddr < len ? s->end - paddr : len;
            r = physmem_access_section(as, cpu, s, s->offset_in_mr + (paddr - s->start), paddr, buf,
                                       n, mode);
        }
        if (res == MEMTX_OK) res = r;
        paddr += n;
        buf += n;
        len -= n;
    }
    return res;
}

/* ---- public entry points ---- */

MemTxResult address_space_rw(AddressSpace *as, uint64_t paddr, void *buf, uint64_t len,
                             bool is_write)
{
    return physmem_access(as, NULL, paddr, buf, len, is_write ? ACCESS_WRITE : ACCESS_READ);
}

MemTxResult address_space_read_val(AddressSpace *as, uint64_t paddr, unsigned size, bool big_endian,
                                   uint64_t *val)
{
    uint8_t b[8];
    MemTxResult r = physmem_access(as, NULL, paddr, b, size, ACCESS_READ);
    *val = io_pack(b, size, big_endian ? DEVICE_BIG_ENDIAN : DEVICE_LITTLE_ENDIAN);
    return r;
}

MemTxResult address_space_write_val(AddressSpace *as, uint64_t paddr, unsigned size,
                                    bool big_endian, uint64_t val)
{
    uint8_t b[8];
    io_unpack(val, b, size, big_endian ? DEVICE_BIG_ENDIAN : DEVICE_LITTLE_ENDIAN);
    return physmem_access(as, NULL, paddr, b, size, ACCESS_WRITE);
}

MemTxResult address_space_write_rom(AddressSpace *as, uint64_t paddr, const void *buf, uint64_t len)
{
    return physmem_access(as, NULL, paddr, (uint8_t *)buf, len, ACCESS_WRITE_ROM);
}

uint8_t *address_space_ram_ptr(AddressSpace *as, uint64_t paddr, uint64_t len, bool write)
{
    const FlatSection *s = address_space_lookup(as, paddr);
    if (!s || !s->mr->host || s->end - paddr < len) return NULL;
    if (write && s->readonly) return NULL;
    uint64_t offset = s->offset_in_mr + (paddr - s->start);
    if (write && mr_code_any(s->mr, offset, len))
        physmem_invalidate_code(as, NULL, s->mr, offset, len);
    return s->mr->host + offset;
}

MemTxResult dma_read(AddressSpace *as, uint64_t paddr, void *buf, uint64_t len)
{
    return physmem_access(as, NULL, paddr, buf, len, ACCESS_READ);
}

MemTxResult dma_write(AddressSpace *as, uint64_t paddr, const void *buf, uint64_t len)
{
    return physmem_access(as, NULL, paddr, (uint8_t *)buf, len, ACCESS_WRITE);
}
