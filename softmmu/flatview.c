/*
 * Flattening the region tree into sorted, non-overlapping sections
 * (blueprint §7).  Regions are rendered highest priority first and each
 * one only fills the gaps left by those before it, so overlap rules fall
 * out of the children order kept by memory.c.  Addresses are computed in
 * 128 bits so regions reaching the top of a 64-bit space, and aliases with
 * offsets above their placement, need no special cases.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/tb.h"
#include "softmmu/internal.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

typedef __int128 Addr128;

#define ADDR_SPACE_END ((Addr128)1 << 64)

typedef struct FlatBuilder {
    FlatSection *s;
    unsigned n, cap;
} FlatBuilder;

static void flat_insert_at(FlatBuilder *b, unsigned i, uint64_t start, uint64_t end,
                           MemoryRegion *mr, uint64_t offset, bool readonly)
{
    if (b->n == b->cap) {
        unsigned cap = b->cap ? b->cap * 2 : 16;
        FlatSection *s = realloc(b->s, cap * sizeof(*s));
        if (!s) {
            fprintf(stderr, "doppel: out of memory building the memory map\n");
            abort();
        }
        b->s = s;
        b->cap = cap;
    }
    memmove(&b->s[i + 1], &b->s[i], (b->n - i) * sizeof(*b->s));
    b->s[i] = (FlatSection){
        .start = start, .end = end, .mr = mr, .offset_in_mr = offset, .readonly = readonly};
    b->n++;
}

/* Map [lo, hi) of terminal region mr (whose offset 0 is at origin) into
 * every gap of the builder.  The last byte of a 64-bit space cannot be
 * represented by a FlatSection end and is left unmapped. */
static void flat_fill_gaps(FlatBuilder *b, MemoryRegion *mr, Addr128 origin, Addr128 lo, Addr128 hi,
                           bool readonly)
{
    if (hi > (Addr128)UINT64_MAX) hi = UINT64_MAX;
    Addr128 cur = lo;
    unsigned i = 0;
    while (i < b->n && b->s[i].end <= cur)
        i++;
    for (; i < b->n && cur < hi; i++) {
        if (b->s[i].start > cur) {
            Addr128 gap_end = b->s[i].start < hi ? b->s[i].start : hi;
            flat_insert_at(b, i, (uint64_t)cur, (uint64_t)gap_end, mr, (uint64_t)(cur - origin),
                           readonly);
            i++;
        }
        if (b->s[i].end > cur) cur = b->s[i].end;
    }
    if (cur < hi)
        flat_insert_at(b, b->n, (uint64_t)cur, (uint64_t)hi, mr, (uint64_t)(cur - origin),
                       readonly);
}

/* Render mr, whose offset 0 sits at origin, clipped to [lo, hi). */
static void flat_render(FlatBuilder *b, MemoryRegion *mr, Addr128 origin, Addr128 lo, Addr128 hi,
                        bool readonly)
{
    if (!mr->enabled) return;
    Addr128 end = origin + mr->size;
    if (origin > lo) lo = origin;
    if (end < hi) hi = end;
    if (lo >= hi) return;
    switch (mr->kind) {
    case MR_CONTAINER:
        for (unsigned i = 0; i < mr->nchildren; i++)
            flat_render(b, mr->children[i], origin + mr->children[i]->addr, lo, hi, readonly);
        break;
    case MR_ALIAS:
        flat_render(b, mr->alias, origin - (Addr128)mr->alias_offset, lo, hi,
                    readonly || mr->readonly);
        break;
    case MR_RAM:
    case MR_ROM:
    case MR_IO: flat_fill_gaps(b, mr, origin, lo, hi, readonly); break;
    }
}

/* Merge neighbours that continue the same region (fewer lookup steps). */
static void flat_coalesce(FlatBuilder *b)
{
    unsigned out = 0;
    for (unsigned i = 0; i < b->n; i++) {
        FlatSection *prev = out ? &b->s[out - 1] : NULL;
        FlatSection *s = &b->s[i];
        if (prev && prev->mr == s->mr && prev->end == s->start && prev->readonly == s->readonly &&
            prev->offset_in_mr + (prev->end - prev->start) == s->offset_in_mr) {
            prev->end = s->end;
            continue;
        }
        b->s[out++] = *s;
    }
    b->n = out;
}

void flatview_free(FlatView *view)
{
    if (!view) return;
    free(view->sections);
    free(view);
}

static bool flatview_equal(const FlatView *a, const FlatView *b)
{
    if (!a || !b || a->nsections != b->nsections) return false;
    for (unsigned i = 0; i < a->nsections; i++) {
        const FlatSection *x = &a->sections[i], *y = &b->sections[i];
        if (x->start != y->start || x->end != y->end || x->mr != y->mr ||
            x->offset_in_mr != y->offset_in_mr || x->readonly != y->readonly)
            return false;
    }
    return true;
}

void flatview_rebuild(AddressSpace *as)
{
    FlatBuilder b = {0};
    MemoryRegion *root = as->root;
    flat_render(&b, root, root->addr, 0, ADDR_SPACE_END, false);
    flat_coalesce(&b);
    FlatView *view = malloc(sizeof(*view));
    if (!view) {
        fprintf(stderr, "doppel: out of memory building the memory map\n");
        abort();
    }
    view->sections = b.s;
    view->nsections = b.n;
    bool changed = !flatview_equal(as->view, view);
    flatview_free(as->view);
    as->view = view;
    if (!changed) return;
    /* Mappings may have moved under existing TLB entries, and translated
     * code is keyed by physical address: what was at an address may now be
     * other memory.  Both are dropped (a map change is rare: boot-time
     * shadowing, BAR programming). */
    for (unsigned i = 0; i < as->ncpus; i++)
        if (as->cpus[i]->tlb) tlb_flush(as->cpus[i]);
    if (as->tb_cache) tb_flush(as->tb_cache);
    for (unsigned i = 0; i < as->nlisteners; i++)
        as->listeners[i].changed(as->listeners[i].opaque, as);
}

bool address_space_add_listener(AddressSpace *as, AddressSpaceChanged *changed, void *opaque)
{
    if (as->nlisteners >= ADDRESS_SPACE_MAX_LISTENERS) return false;
    as->listeners[as->nlisteners].changed = changed;
    as->listeners[as->nlisteners].opaque = opaque;
    as->nlisteners++;
    return true;
}

void address_space_remove_listener(AddressSpace *as, AddressSpaceChanged *changed, void *opaque)
{
    for (unsigned i = 0; i < as->nlisteners; i++) {
        if (as->listeners[i].changed != changed || as->listeners[i].opaque != opaque) continue;
        for (unsigned k = i + 1; k < as->nlisteners; k++)
            as->listeners[k - 1] = as->listeners[k];
        as->nlisteners--;
        return;
    }
}

void flatview_update(MemoryRegion *mr)
{
    while (mr->parent)
        mr = mr->parent;
    if (mr->owner_as) flatview_rebuild(mr->owner_as);
}

unsigned flatview_search(const FlatView *view, uint64_t paddr)
{
    unsigned lo = 0, hi = view->nsections;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->sections[mid].end <= paddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const FlatSection *address_space_lookup(AddressSpace *as, uint64_t paddr)
{
    const FlatView *v = as->view;
    unsigned i = flatview_search(v, paddr);
    if (i < v->nsections && v->sections[i].start <= paddr) return &v->sections[i];
    return NULL;
}

void address_space_print_flat(const AddressSpace *as, FILE *out)
{
    fprintf(out, "address-space: %s\n", as->name ? as->name : "(anon)");
    const FlatView *v = as->view;
    for (unsigned i = 0; i < v->nsections; i++) {
        const FlatSection *s = &v->sections[i];
        fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " %s @%016" PRIx64 "%s\n", s->start, s->end - 1,
                s->mr->name ? s->mr->name : "(anon)", s->offset_in_mr,
                s->readonly ? " (read-only)" : "");
    }
}
