/*
 * Physical memory map (blueprint §7): a tree of MemoryRegions flattened
 * into a sorted array of sections on every change.
 *
 * Map rules:
 * - Among overlapping siblings the higher priority wins; at equal priority
 *   the one added later wins.  Containers are transparent: their holes show
 *   lower-priority siblings.  Disabled regions are invisible.
 * - An alias shows [alias_offset, alias_offset + size) of its target; the
 *   target's own placement is ignored.  Changes inside an alias target that
 *   is not itself in the tree are seen at the tree's next rebuild.
 * - Any change under the root of an address space rebuilds its flat view
 *   and flushes the TLB of every cpu added to it.  The last byte of a
 *   64-bit space cannot be mapped (a section end is a uint64_t).
 *
 * Access rules (CPU slow path, DMA, loaders alike):
 * - Unmapped bytes read as 0xff, writes to them are dropped; the result is
 *   MEMTX_DECODE_ERROR (logged under -d guest_errors).  Of several results
 *   in one call, the first error is returned.
 * - ROM: guest and DMA writes are dropped (MEMTX_OK, logged);
 *   address_space_write_rom and the debugger write it.
 * - IO: bytes travel in address order and become device values per
 *   ops->endianness, so a guest access of the other endianness sees the
 *   value byte-swapped, as on a real bus.  An access is split into the
 *   largest valid sizes that are naturally aligned (any alignment with
 *   ops->unaligned).  A piece narrower than min_access_size is widened to
 *   the aligned min-size unit holding it: a read reads the unit once and
 *   extracts the bytes; a write writes the unit once with the written bytes
 *   in place and the others zero.  Never a hidden read-modify-write, since
 *   device reads may have side effects.  Widening is logged.
 * - Code pages: one mark per 64-byte unit of a RAM/ROM region
 *   (TB_CODE_UNIT_BITS; regions are assumed placed at 64-byte-aligned
 *   addresses); a TLB entry of a page with any marked unit has
 *   TLB_NOTDIRTY, so its writes check the units they touch.  A write over a marked unit
 *   first invalidates the TBs there (tb_invalidate_phys_range, at every
 *   physical address that maps the written bytes, aliases included) and
 *   drops the mark once the unit holds no code.  A change of the flat view
 *   flushes every cpu's TLB and the whole TB cache.  address_space_ram_ptr with write set does this
 * at the call; such a pointer must not be kept across guest execution.
 */
#ifndef DOPPEL_MEMORY_H
#define DOPPEL_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct CPUState;

typedef enum DeviceEndian {
    DEVICE_LITTLE_ENDIAN,
    DEVICE_BIG_ENDIAN,
} DeviceEndian;

typedef struct MemoryRegionOps {
    /* offset is relative to the region; size is one of the valid sizes. */
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    DeviceEndian endianness;
    unsigned min_access_size; /* 1, 2, 4 or 8 (0 = 1) */
    unsigned max_access_size; /* (0 = 4) */
    bool unaligned;           /* device accepts misaligned accesses of valid size */
} MemoryRegionOps;

typedef enum MemoryRegionKind {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM, /* host-backed, guest writes dropped (logged under guest_errors) */
    MR_IO,
    MR_ALIAS,
} MemoryRegionKind;

typedef struct MemoryRegion MemoryRegion;
struct MemoryRegion {
    MemoryRegionKind kind;
    const char *name;
    uint64_t size;
    uint8_t *host;        /* RAM/ROM backing */
    uint8_t *code_bitmap; /* RAM/ROM: one bit per 64-byte unit "may hold translated code" */
    const MemoryRegionOps *ops;
    void *opaque;
    MemoryRegion *alias; /* MR_ALIAS target */
    uint64_t alias_offset;
    bool readonly; /* MR_ALIAS: writes through it are dropped, as to ROM */
    /* placement in the parent container */
    MemoryRegion *parent;
    uint64_t addr;
    int priority;
    bool enabled;
    /* children, kept sorted by priority (highest first), then insertion */
    MemoryRegion **children;
    unsigned nchildren, children_cap;
    struct AddressSpace *owner_as; /* root's address space, for updates */
};

typedef struct FlatSection {
    uint64_t start, end;   /* [start, end) physical */
    MemoryRegion *mr;      /* terminal region: RAM, ROM or IO */
    uint64_t offset_in_mr; /* mr offset of start */
    bool readonly;         /* seen through a read-only alias: writes dropped */
} FlatSection;

typedef struct FlatView {
    FlatSection *sections;
    unsigned nsections;
} FlatView;

/* Told after every rebuild that changed the flat view (an accelerator
 * mirroring the map, e.g. KVM memory slots). */
typedef void AddressSpaceChanged(void *opaque, struct AddressSpace *as);
#define ADDRESS_SPACE_MAX_LISTENERS 4

typedef struct AddressSpace {
    const char *name;
    MemoryRegion *root;
    FlatView *view;
    struct CPUState **cpus; /* cpus whose TLBs map this space */
    unsigned ncpus;
    void *tb_cache; /* struct TbCache *, for code invalidation */
    struct {
        AddressSpaceChanged *changed;
        void *opaque;
    } listeners[ADDRESS_SPACE_MAX_LISTENERS];
    unsigned nlisteners;
} AddressSpace;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* device error */
    MEMTX_DECODE_ERROR = 2, /* nothing mapped */
} MemTxResult;

void memory_region_init_container(MemoryRegion *mr, const char *name, uint64_t size);
/* RAM is zeroed host memory allocated here (freed by memory_region_destroy). */
bool memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size);
bool memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size);
void memory_region_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                           const MemoryRegionOps *ops, void *opaque);
void memory_region_init_alias(MemoryRegion *mr, const char *name, MemoryRegion *target,
                              uint64_t offset, uint64_t size);
void memory_region_destroy(MemoryRegion *mr);
void memory_region_add_subregion(MemoryRegion *parent, uint64_t addr, MemoryRegion *child,
                                 int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *child);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
/* An alias that reads its target and drops writes (the PC's shadow RAM
 * write-protected by the chipset's PAM registers).  Updates the map. */
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
void memory_region_set_address(MemoryRegion *mr, uint64_t addr);

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
void address_space_destroy(AddressSpace *as);
void address_space_add_cpu(AddressSpace *as, struct CPUState *cpu);
/* Call changed(opaque, as) after each rebuild that changed the flat view
 * (not now: the caller reads the current view itself).  False when the
 * table is full. */
bool address_space_add_listener(AddressSpace *as, AddressSpaceChanged *changed, void *opaque);
void address_space_remove_listener(AddressSpace *as, AddressSpaceChanged *changed, void *opaque);
/* Section holding paddr, or NULL. */
const FlatSection *address_space_lookup(AddressSpace *as, uint64_t paddr);
/* Host pointer for a RAM/ROM byte range fully inside one section, or NULL. */
uint8_t *address_space_ram_ptr(AddressSpace *as, uint64_t paddr, uint64_t len, bool write);
MemTxResult address_space_rw(AddressSpace *as, uint64_t paddr, void *buf, uint64_t len,
                             bool is_write);
/* Sized access in the given endianness (for devices and the monitor). */
MemTxResult address_space_read_val(AddressSpace *as, uint64_t paddr, unsigned size, bool big_endian,
                                   uint64_t *val);
MemTxResult address_space_write_val(AddressSpace *as, uint64_t paddr, unsigned size,
                                    bool big_endian, uint64_t val);
/* Write into ROM too (firmware loading). */
MemTxResult address_space_write_rom(AddressSpace *as, uint64_t paddr, const void *buf,
                                    uint64_t len);

/* Devices reach guest memory only through these: they respect the map and
 * invalidate translated code they overwrite. */
MemTxResult dma_read(AddressSpace *as, uint64_t paddr, void *buf, uint64_t len);
MemTxResult dma_write(AddressSpace *as, uint64_t paddr, const void *buf, uint64_t len);

/* Print the region tree (info mtree) and the flat view. */
void memory_region_print_tree(const MemoryRegion *root, FILE *out);
void address_space_print_flat(const AddressSpace *as, FILE *out);

/* Guest RAM for snapshots: every distinct MR_RAM region reachable from
 * root through children (enabled or not) and alias targets, each once, in
 * a stable tree order.  ROM is firmware loaded at start and not visited. */
typedef void RamRegionVisitor(void *opaque, MemoryRegion *mr);
void memory_region_for_each_ram(MemoryRegion *root, RamRegionVisitor *visit, void *opaque);

/* Code page tracking: mark the physical page(s) of [paddr, paddr+len) as
 * holding translated code; write TLB entries mapping them get TLB_NOTDIRTY. */
void memory_mark_code(AddressSpace *as, uint64_t paddr, uint64_t len);

#endif
