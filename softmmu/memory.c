/*
 * The memory region tree (blueprint §7): RAM, ROM, IO, aliases and
 * containers, and the address spaces rooted in them.  Every change to a
 * region placed in a tree rebuilds the flat view of the tree's address
 * space (see flatview.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/cpu.h"
#include "softmmu/internal.h"
#include "softmmu/memory.h"

static void memory_region_init_common(MemoryRegion *mr, MemoryRegionKind kind, const char *name,
                                      uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->kind = kind;
    mr->name = name;
    mr->size = size;
    mr->enabled = true;
}

void memory_region_init_container(MemoryRegion *mr, const char *name, uint64_t size)
{
    memory_region_init_common(mr, MR_CONTAINER, name, size);
}

/* Anonymous mappings are zeroed and committed lazily, so a large guest RAM
 * costs only what the guest touches. */
static bool memory_region_alloc_host(MemoryRegion *mr)
{
    if (mr->size == 0) return true;
    void *p = mmap(NULL, mr->size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return false;
    uint64_t bits = (mr->size + CODE_PAGE_SIZE - 1) >> CODE_PAGE_BITS;
    mr->code_bitmap = calloc(bits / 8 + 1, 1);
    if (!mr->code_bitmap) {
        munmap(p, mr->size);
        return false;
    }
    mr->host = p;
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size)
{
    memory_region_init_common(mr, MR_RAM, name, size);
    return memory_region_alloc_host(mr);
}

bool memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size)
{
    memory_region_init_common(mr, MR_ROM, name, size);
    return memory_region_alloc_host(mr);
}

void memory_region_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                           const MemoryRegionOps *ops, void *opaque)
{
    /* Access sizes are powers of two from 1 to 8 with min <= max: anything
     * else is a bug in the device model, caught where it is declared. */
    unsigned lo = ops->min_access_size ? ops->min_access_size : 1;
    unsigned hi = ops->max_access_size ? ops->max_access_size : 4;
    if (lo > hi || hi > 8 || (lo & (lo - 1)) || (hi & (hi - 1))) {
        fprintf(stderr, "doppel: device region %s: invalid access sizes %u..%u\n", name, lo, hi);
        abort();
    }
    memory_region_init_common(mr, MR_IO, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, const char *name, MemoryRegion *target,
                              uint64_t offset, uint64_t size)
{
    memory_region_init_common(mr, MR_ALIAS, name, size);
    mr->alias = target;
    mr->alias_offset = offset;
}

void memory_region_destroy(MemoryRegion *mr)
{
    if (mr->parent) memory_region_del_subregion(mr->parent, mr);
    for (unsigned i = 0; i < mr->nchildren; i++)
        mr->children[i]->parent = NULL;
    free(mr->children);
    mr->children = NULL;
    mr->nchildren = mr->children_cap = 0;
    if (mr->host) munmap(mr->host, mr->size);
    mr->host = NULL;
    free(mr->code_bitmap);
    mr->code_bitmap = NULL;
}

void memory_region_add_subregion(MemoryRegion *parent, uint64_t addr, MemoryRegion *child,
                                 int priority)
{
    if (child->parent) {
        fprintf(stderr, "doppel: region %s is already placed in %s\n", child->name,
                child->parent->name);
        abort();
    }
    if (parent->nchildren == parent->children_cap) {
        unsigned cap = parent->children_cap ? parent->children_cap * 2 : 4;
        MemoryRegion **c = realloc(parent->children, cap * sizeof(*c));
        if (!c) {
            fprintf(stderr, "doppel: out of memory adding region %s\n", child->name);
            abort();
        }
        parent->children = c;
        parent->children_cap = cap;
    }
    /* Highest priority first; among equals the newest first, so it wins. */
    unsigned pos = 0;
    while (pos < parent->nchildren && parent->children[pos]->priority > priority)
        pos++;
    memmove(&parent->children[pos + 1], &parent->children[pos],
            (parent->nchildren - pos) * sizeof(*parent->children));
    parent->children[pos] = child;
    parent->nchildren++;
    child->parent = parent;
    child->addr = addr;
    child->priority = priority;
    flatview_update(parent);
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *child)
{
    for (unsigned i = 0; i < parent->nchildren; i++) {
        if (parent->children[i] != child) continue;
        memmove(&parent->children[i], &parent->children[i + 1],
                (parent->nchildren - i - 1) * sizeof(*parent->children));
        parent->nchildren--;
        child->parent = NULL;
        flatview_update(parent);
        return;
    }
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) return;
    mr->enabled = enabled;
    flatview_update(mr);
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) return;
    mr->readonly = readonly;
    flatview_update(mr);
}

void memory_region_set_address(MemoryRegion *mr, uint64_t addr)
{
    if (mr->addr == addr) return;
    mr->addr = addr;
    flatview_update(mr);
}

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = name;
    as->root = root;
    root->owner_as = as;
    flatview_rebuild(as);
}

void address_space_destroy(AddressSpace *as)
{
    if (as->root && as->root->owner_as == as) as->root->owner_as = NULL;
    flatview_free(as->view);
    as->view = NULL;
    free(as->cpus);
    as->cpus = NULL;
    as->ncpus = 0;
}

void address_space_add_cpu(AddressSpace *as, CPUState *cpu)
{
    CPUState **c = realloc(as->cpus, (as->ncpus + 1) * sizeof(*c));
    if (!c) {
        fprintf(stderr, "doppel: out of memory adding cpu %d\n", cpu->cpu_index);
        abort();
    }
    as->cpus = c;
    as->cpus[as->ncpus++] = cpu;
    cpu->as = as;
}

/* ---- RAM enumeration (snapshots) ---- */

typedef struct RamWalk {
    const MemoryRegion **seen;
    size_t nseen, cap;
    RamRegionVisitor *visit;
    void *opaque;
} RamWalk;

/* A region is visited at most once however many aliases show it; the
 * seen list also stops a cycle of aliases. */
static bool ram_walk_first_visit(RamWalk *w, const MemoryRegion *mr)
{
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i] == mr) return false;
    if (w->nseen == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        const MemoryRegion **n = realloc(w->seen, cap * sizeof *n);
        if (!n) return false;
        w->seen = n;
        w->cap = cap;
    }
    w->seen[w->nseen++] = mr;
    return true;
}

static void ram_walk(RamWalk *w, MemoryRegion *mr)
{
    if (!mr || !ram_walk_first_visit(w, mr)) return;
    if (mr->kind == MR_RAM) w->visit(w->opaque, mr);
    if (mr->kind == MR_ALIAS) ram_walk(w, mr->alias);
    for (unsigned i = 0; i < mr->nchildren; i++)
        ram_walk(w, mr->children[i]);
}

void memory_region_for_each_ram(MemoryRegion *root, RamRegionVisitor *visit, void *opaque)
{
    RamWalk w = {NULL, 0, 0, visit, opaque};
    ram_walk(&w, root);
    free(w.seen);
}

/* ---- info mtree ---- */

static const char *const memory_region_kind_names[] = {
    [MR_CONTAINER] = "container", [MR_RAM] = "ram", [MR_ROM] = "rom", [MR_IO] = "i/o",
    [MR_ALIAS] = "alias",
};

static void memory_region_print_node(const MemoryRegion *mr, uint64_t base, int depth, FILE *out)
{
    uint64_t last = mr->size ? base + mr->size - 1 : base;
    fprintf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s", depth * 2, "", base, last,
            mr->priority, memory_region_kind_names[mr->kind], mr->name ? mr->name : "(anon)");
    if (mr->kind == MR_ALIAS)
        fprintf(out, " @%s %016" PRIx64, mr->alias->name ? mr->alias->name : "(anon)",
                mr->alias_offset);
    fputs(mr->enabled ? "\n" : " [disabled]\n", out);
    for (unsigned i = 0; i < mr->nchildren; i++) {
        const MemoryRegion *c = mr->children[i];
        memory_region_print_node(c, base + c->addr, depth + 1, out);
    }
}

void memory_region_print_tree(const MemoryRegion *root, FILE *out)
{
    memory_region_print_node(root, root->addr, 0, out);
}
