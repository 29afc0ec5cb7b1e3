/*
 * info mtree (softmmu/memory_print.h): the region trees of address
 * spaces and their flat views, in QEMU's layout.
 */
#include "softmmu/memory_print.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

/* Regions already printed as the root of something, and alias targets
 * still to print: a small growing list (a machine has a handful). */
typedef struct RegionList {
    const MemoryRegion **items;
    unsigned n, cap;
} RegionList;

static bool region_list_has(const RegionList *l, const MemoryRegion *mr)
{
    for (unsigned i = 0; i < l->n; i++)
        if (l->items[i] == mr) return true;
    return false;
}

/* False when out of memory (the target is then simply not listed). */
static bool region_list_add(RegionList *l, const MemoryRegion *mr)
{
    if (region_list_has(l, mr)) return true;
    if (l->n == l->cap) {
        unsigned cap = l->cap ? l->cap * 2 : 8;
        const MemoryRegion **items = realloc(l->items, cap * sizeof *items);
        if (!items) return false;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = mr;
    return true;
}

static const char *region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "(anon)";
}

/* QEMU's kind words; an alias shows what its target is (read-only alias
 * of RAM: rom). */
static const char *region_kind(const MemoryRegion *mr)
{
    if (mr->kind == MR_ALIAS) {
        const MemoryRegion *t = mr->alias;
        while (t && t->kind == MR_ALIAS)
            t = t->alias;
        if (!t) return "alias";
        if (mr->readonly && t->kind == MR_RAM) return "rom";
        return region_kind(t);
    }
    switch (mr->kind) {
    case MR_CONTAINER: return "container";
    case MR_RAM: return "ram";
    case MR_ROM: return "rom";
    case MR_IO: return "i/o";
    case MR_ALIAS: break;
    }
    return "alias";
}

static uint64_t region_last(uint64_t base, uint64_t size)
{
    return size ? base + size - 1 : base;
}

/* The top of the tree of mr (its root, or the region outside any tree). */
static const MemoryRegion *region_top(const MemoryRegion *mr)
{
    while (mr->parent)
        mr = mr->parent;
    return mr;
}

static void print_node(const MemoryRegion *mr, uint64_t base, int depth, RegionList *targets,
                       FILE *out)
{
    fprintf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ", depth * 2, "", base,
            region_last(base, mr->size), mr->priority, region_kind(mr));
    if (mr->kind == MR_ALIAS && mr->alias) {
        fprintf(out, "alias %s @%s %016" PRIx64 "-%016" PRIx64, region_name(mr),
                region_name(mr->alias), mr->alias_offset, region_last(mr->alias_offset, mr->size));
        region_list_add(targets, region_top(mr->alias));
    } else {
        fputs(region_name(mr), out);
    }
    fputs(mr->enabled || !mr->parent ? "\n" : " [disabled]\n", out);
    for (unsigned i = 0; i < mr->nchildren; i++) {
        const MemoryRegion *c = mr->children[i];
        print_node(c, base + c->addr, depth + 1, targets, out);
    }
}

void memory_print_mtree(AddressSpace *const *spaces, unsigned n, FILE *out)
{
    RegionList printed = {0}, targets = {0};
    for (unsigned i = 0; i < n; i++) {
        const AddressSpace *as = spaces[i];
        fprintf(out, "address-space: %s\n", as->name ? as->name : "(anon)");
        if (!as->root || region_list_has(&printed, as->root)) continue;
        region_list_add(&printed, as->root);
        print_node(as->root, 0, 1, &targets, out);
        fputc('\n', out);
    }
    /* Targets may hold aliases themselves: the list grows as we go. */
    for (unsigned i = 0; i < targets.n; i++) {
        const MemoryRegion *mr = targets.items[i];
        if (region_list_has(&printed, mr)) continue;
        region_list_add(&printed, mr);
        fprintf(out, "memory-region: %s\n", region_name(mr));
        print_node(mr, 0, 1, &targets, out);
        fputc('\n', out);
    }
    free(printed.items);
    free(targets.items);
}

void memory_print_flat(AddressSpace *const *spaces, unsigned n, FILE *out)
{
    for (unsigned i = 0; i < n; i++) {
        const AddressSpace *as = spaces[i];
        fprintf(out, "address-space (flat view): %s\n", as->name ? as->name : "(anon)");
        const FlatView *v = as->view;
        for (unsigned k = 0; v && k < v->nsections; k++) {
            const FlatSection *s = &v->sections[k];
            fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " (%s): %s @%016" PRIx64 "%s\n", s->start,
                    s->end - 1, s->readonly ? "rom" : region_kind(s->mr), region_name(s->mr),
                    s->offset_in_mr, s->readonly ? " (read-only)" : "");
        }
        fputc('\n', out);
    }
}
