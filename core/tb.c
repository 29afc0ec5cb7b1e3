/*
 * The TB cache (blueprint §4): a hash table keyed by physical pc, per-page
 * lists for invalidation by physical range, direct links between TBs, and
 * a graveyard so a TB that is invalidated while it runs stays valid memory
 * until the cpu loop reaches a safe point.
 */
#include "core/tb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TB_PAGE_BITS      12 /* granularity of the page lists (any guest page size) */
#define TB_CACHE_MAX_CPUS 64

typedef struct TbPage {
    uint64_t key; /* physical address >> TB_PAGE_BITS */
    TranslationBlock *first;
    struct TbPage *next;
} TbPage;

struct TbCache {
    TranslationBlock **buckets;
    uint32_t nbuckets; /* power of two */
    uint64_t live;
    TbPage **pages;
    uint32_t npage_buckets;
    uint64_t npages;
    TranslationBlock *dead;
    uint64_t invalidated, flushes;
    CPUState *cpus[TB_CACHE_MAX_CPUS];
    unsigned ncpus;
    void (*jit_invalidated)(void *opaque, TranslationBlock *tb);
    void *jit_opaque;
};

static void *tb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "doppel: out of memory in the TB cache\n");
        abort();
    }
    return p;
}

static uint32_t tb_hash(uint64_t phys_pc, uint64_t pc, uint32_t flags, uint64_t cs_base)
{
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ull;
    h ^= (pc + cs_base) * 0xc2b2ae3d27d4eb4full;
    h ^= (uint64_t)flags * 0x165667b19e3779f9ull;
    return (uint32_t)(h ^ (h >> 32));
}

static uint32_t tb_page_hash(uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

TbCache *tb_cache_new(void)
{
    TbCache *c = tb_xcalloc(1, sizeof(*c));
    c->nbuckets = 1u << 14;
    c->buckets = tb_xcalloc(c->nbuckets, sizeof(*c->buckets));
    c->npage_buckets = 1u << 12;
    c->pages = tb_xcalloc(c->npage_buckets, sizeof(*c->pages));
    return c;
}

static void tb_free(TranslationBlock *tb)
{
    if (tb->interp_free && tb->interp_code) tb->interp_free(tb->interp_code);
    if (tb->ir) ir_block_free(tb->ir);
    free(tb->insn_data);
    free(tb->incoming);
    free(tb);
}

static void tb_free_pages(TbCache *c)
{
    for (uint32_t i = 0; i < c->npage_buckets; i++) {
        TbPage *p = c->pages[i];
        while (p) {
            TbPage *n = p->next;
            free(p);
            p = n;
        }
        c->pages[i] = NULL;
    }
    c->npages = 0;
}

void tb_cache_free(TbCache *c)
{
    if (!c) return;
    tb_flush(c);
    tb_reclaim(c);
    tb_free_pages(c);
    free(c->pages);
    free(c->buckets);
    free(c);
}

void tb_cache_add_cpu(TbCache *c, CPUState *cpu)
{
    if (c->ncpus < TB_CACHE_MAX_CPUS) c->cpus[c->ncpus++] = cpu;
}

TranslationBlock *tb_alloc(void)
{
    TranslationBlock *tb = tb_xcalloc(1, sizeof(*tb));
    /* Native exit values keep flags in the low four bits (jit_region.h). */
    if ((uintptr_t)tb & 15) {
        fprintf(stderr, "doppel: TB allocation not 16-byte aligned\n");
        abort();
    }
    tb->page_addr[0] = tb->page_addr[1] = (uint64_t)-1;
    tb->ptr_hint_pc = UINT64_MAX;
    return tb;
}

/* ---- pages ---- */

static TbPage *tb_page_get(TbCache *c, uint64_t key, bool create)
{
    TbPage **head = &c->pages[tb_page_hash(key) & (c->npage_buckets - 1)];
    for (TbPage *p = *head; p; p = p->next)
        if (p->key == key) return p;
    if (!create) return NULL;
    TbPage *p = tb_xcalloc(1, sizeof(*p));
    p->key = key;
    p->next = *head;
    *head = p;
    c->npages++;
    return p;
}

/* The page list slot (0/1) through which tb hangs on page key. */
static int tb_page_slot(const TranslationBlock *tb, uint64_t key)
{
    for (int n = 0; n < 2; n++)
        if (tb->page_addr[n] != (uint64_t)-1 && (tb->page_addr[n] >> TB_PAGE_BITS) == key) return n;
    return -1;
}

/* Physical byte ranges of the TB's code: [start, end) per page. */
static void tb_code_range(const TranslationBlock *tb, int n, uint64_t *start, uint64_t *end)
{
    if (n == 0) {
        *start = tb->phys_pc;
        *end = tb->phys_pc + tb->size_first;
    } else {
        *start = tb->page_addr[1];
        *end = tb->page_addr[1] + (tb->size - tb->size_first);
    }
}

static void tb_page_list_add(TbCache *c, TranslationBlock *tb)
{
    uint64_t keys[2] = {(uint64_t)-1, (uint64_t)-1};
    for (int n = 0; n < 2; n++) {
        if (tb->page_addr[n] == (uint64_t)-1) continue;
        uint64_t key = tb->page_addr[n] >> TB_PAGE_BITS;
        if (n == 1 && key == keys[0]) continue; /* both guest pages in one list page */
        keys[n] = key;
        TbPage *p = tb_page_get(c, key, true);
        tb->page_next[n] = p->first;
        p->first = tb;
    }
}

static void tb_page_list_remove(TbCache *c, TranslationBlock *tb)
{
    for (int n = 0; n < 2; n++) {
        if (tb->page_addr[n] == (uint64_t)-1) continue;
        uint64_t key = tb->page_addr[n] >> TB_PAGE_BITS;
        if (tb_page_slot(tb, key) != n) continue; /* listed once, through slot 0 */
        TbPage *p = tb_page_get(c, key, false);
        if (!p) continue;
        for (TranslationBlock **pp = &p->first; *pp;) {
            TranslationBlock *t = *pp;
            int slot = tb_page_slot(t, key);
            if (t == tb) {
                *pp = t->page_next[slot];
                break;
            }
            pp = &t->page_next[slot];
        }
    }
}

/* ---- hash ---- */

static void tb_hash_resize(TbCache *c)
{
    uint32_t n = c->nbuckets * 2;
    TranslationBlock **nb = tb_xcalloc(n, sizeof(*nb));
    for (uint32_t i = 0; i < c->nbuckets; i++) {
        TranslationBlock *tb = c->buckets[i];
        while (tb) {
            TranslationBlock *next = tb->hash_next;
            uint32_t h = tb_hash(tb->phys_pc, tb->pc, tb->flags, tb->cs_base) & (n - 1);
            tb->hash_next = nb[h];
            nb[h] = tb;
            tb = next;
        }
    }
    free(c->buckets);
    c->buckets = nb;
    c->nbuckets = n;
}

void tb_insert(TbCache *c, TranslationBlock *tb)
{
    if (c->live + 1 > c->nbuckets) tb_hash_resize(c);
    uint32_t h = tb_hash(tb->phys_pc, tb->pc, tb->flags, tb->cs_base) & (c->nbuckets - 1);
    tb->hash_next = c->buckets[h];
    c->buckets[h] = tb;
    c->live++;
    tb_page_list_add(c, tb);
}

TranslationBlock *tb_lookup_hash_checked(TbCache *c, uint64_t pc, uint64_t phys_pc,
                                         uint64_t cs_base, uint32_t flags,
                                         uint64_t (*second_page)(void *), void *opaque)
{
    uint32_t h = tb_hash(phys_pc, pc, flags, cs_base) & (c->nbuckets - 1);
    uint64_t page1 = 0;
    bool page1_known = false;
    for (TranslationBlock *tb = c->buckets[h]; tb; tb = tb->hash_next) {
        if (tb->pc != pc || tb->phys_pc != phys_pc || tb->cs_base != cs_base || tb->flags != flags)
            continue;
        if (tb->page_addr[1] == (uint64_t)-1 || !second_page) return tb;
        if (!page1_known) {
            page1 = second_page(opaque);
            page1_known = true;
        }
        if (page1 == tb->page_addr[1]) return tb;
    }
    return NULL;
}

TranslationBlock *tb_lookup_hash(TbCache *c, uint64_t pc, uint64_t phys_pc, uint64_t cs_base,
                                 uint32_t flags)
{
    return tb_lookup_hash_checked(c, pc, phys_pc, cs_base, flags, NULL, NULL);
}

static void tb_hash_remove(TbCache *c, TranslationBlock *tb)
{
    uint32_t h = tb_hash(tb->phys_pc, tb->pc, tb->flags, tb->cs_base) & (c->nbuckets - 1);
    for (TranslationBlock **pp = &c->buckets[h]; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            c->live--;
            return;
        }
    }
}

/* ---- links ---- */

void tb_link(TranslationBlock *from, unsigned slot, TranslationBlock *dest)
{
    if (from->jmp_dest[slot] == dest) return;
    if (from->jmp_dest[slot]) return; /* already linked elsewhere: keep the first */
    if (dest->nincoming == dest->incoming_cap) {
        uint32_t cap = dest->incoming_cap ? dest->incoming_cap * 2 : 4;
        TbLink *n = realloc(dest->incoming, cap * sizeof(*n));
        if (!n) return; /* no link: correct, only slower */
        dest->incoming = n;
        dest->incoming_cap = cap;
    }
    dest->incoming[dest->nincoming++] = (TbLink){from, slot};
    from->jmp_dest[slot] = dest;
}

static void tb_unlink(TranslationBlock *tb)
{
    for (unsigned n = 0; n < 2; n++) {
        TranslationBlock *dest = tb->jmp_dest[n];
        if (!dest) continue;
        for (uint32_t i = 0; i < dest->nincoming; i++) {
            if (dest->incoming[i].from == tb && dest->incoming[i].slot == n) {
                dest->incoming[i] = dest->incoming[--dest->nincoming];
                break;
            }
        }
        tb->jmp_dest[n] = NULL;
    }
    for (uint32_t i = 0; i < tb->nincoming; i++) {
        TbLink l = tb->incoming[i];
        if (l.from->jmp_dest[l.slot] == tb) l.from->jmp_dest[l.slot] = NULL;
    }
    tb->nincoming = 0;
}

/* ---- invalidation ---- */

static void tb_jmp_cache_remove(TbCache *c, TranslationBlock *tb)
{
    uint32_t h = tb_jmp_cache_hash(tb->pc);
    for (unsigned i = 0; i < c->ncpus; i++)
        if (c->cpus[i]->jmp_cache && c->cpus[i]->jmp_cache[h] == tb)
            c->cpus[i]->jmp_cache[h] = NULL;
}

void tb_cache_set_jit_hook(TbCache *c, void (*invalidated)(void *opaque, TranslationBlock *tb),
                           void *opaque)
{
    c->jit_invalidated = invalidated;
    c->jit_opaque = opaque;
}

static void tb_bury(TbCache *c, TranslationBlock *tb)
{
    if (c->jit_invalidated && (tb->jit_regions || tb->jit_refs))
        c->jit_invalidated(c->jit_opaque, tb);
    tb->invalid = true;
    tb->dead_next = c->dead;
    c->dead = tb;
    c->invalidated++;
}

void tb_invalidate(TbCache *c, TranslationBlock *tb)
{
    if (tb->invalid) return;
    tb_hash_remove(c, tb);
    tb_page_list_remove(c, tb);
    tb_jmp_cache_remove(c, tb);
    tb_unlink(tb);
    tb_bury(c, tb);
}

static bool tb_overlaps(const TranslationBlock *tb, uint64_t key, uint64_t start, uint64_t end)
{
    for (int n = 0; n < 2; n++) {
        if (tb->page_addr[n] == (uint64_t)-1 || (tb->page_addr[n] >> TB_PAGE_BITS) != key) continue;
        uint64_t s, e;
        tb_code_range(tb, n, &s, &e);
        if (s < end && start < e) return true;
    }
    return false;
}

/* Invalidate the TBs of list page key overlapping [start, end); returns
 * whether cpu's running TB was among them. */
static bool tb_invalidate_page_range(TbCache *c, uint64_t key, uint64_t start, uint64_t end,
                                     const TranslationBlock *running)
{
    bool hit = false;
    TbPage *p = tb_page_get(c, key, false);
    if (!p) return false;
    TranslationBlock *tb = p->first;
    while (tb) {
        int slot = tb_page_slot(tb, key);
        TranslationBlock *next = tb->page_next[slot];
        if (tb_overlaps(tb, key, start, end)) {
            if (tb == running) hit = true;
            tb_invalidate(c, tb);
        }
        tb = next;
    }
    return hit;
}

bool tb_invalidate_phys_range(TbCache *c, CPUState *cpu, uint64_t paddr, uint64_t len)
{
    if (!c || len == 0) return false;
    const TranslationBlock *running = cpu ? cpu->current_tb : NULL;
    uint64_t end = paddr + len;
    bool hit = false;
    for (uint64_t key = paddr >> TB_PAGE_BITS; key <= (end - 1) >> TB_PAGE_BITS; key++) {
        uint64_t s = key << TB_PAGE_BITS;
        uint64_t e = s + (1ull << TB_PAGE_BITS);
        hit |= tb_invalidate_page_range(c, key, s > paddr ? s : paddr, e < end ? e : end, running);
    }
    if (hit && running && !(running->cflags & CF_NOCACHE)) {
        /* The running TB wrote its own code (§4): redo this instruction
         * alone, before its store takes effect, in a block that is not
         * cached; translation then starts afresh from the new code. */
        cpu_restore_state(cpu);
        cpu->cflags_next_tb = 1 | CF_NOCACHE;
        cpu_loop_exit(cpu);
    }
    return tb_page_has_code(c, paddr);
}

bool tb_page_has_code(TbCache *c, uint64_t paddr)
{
    uint64_t unit = UINT64_C(1) << TB_CODE_UNIT_BITS;
    uint64_t start = paddr & ~(unit - 1), end = start + unit;
    TbPage *p = tb_page_get(c, paddr >> TB_PAGE_BITS, false);
    if (!p) return false;
    for (TranslationBlock *tb = p->first; tb;) {
        int slot = tb_page_slot(tb, p->key);
        if (tb_overlaps(tb, p->key, start, end)) return true;
        tb = tb->page_next[slot];
    }
    return false;
}

void tb_flush(TbCache *c)
{
    for (uint32_t i = 0; i < c->nbuckets; i++) {
        TranslationBlock *tb = c->buckets[i];
        while (tb) {
            TranslationBlock *next = tb->hash_next;
            /* A TB still running after the flush must not chain on. */
            tb->jmp_dest[0] = tb->jmp_dest[1] = NULL;
            tb->nincoming = 0;
            tb_bury(c, tb);
            tb = next;
        }
        c->buckets[i] = NULL;
    }
    c->live = 0;
    tb_free_pages(c);
    for (unsigned i = 0; i < c->ncpus; i++)
        if (c->cpus[i]->jmp_cache)
            memset(c->cpus[i]->jmp_cache, 0, TB_JMP_CACHE_SIZE * sizeof(TranslationBlock *));
    c->flushes++;
}

void tb_reclaim(TbCache *c)
{
    TranslationBlock *tb = c->dead;
    c->dead = NULL;
    while (tb) {
        TranslationBlock *next = tb->dead_next;
        if (tb->jit_refs) {
            /* A compile job still names it: keep it buried until the JIT
             * has finished with the job. */
            tb->dead_next = c->dead;
            c->dead = tb;
        } else {
            tb_free(tb);
        }
        tb = next;
    }
}

void tb_cache_stats(TbCache *c, TbCacheStats *s)
{
    s->live = c->live;
    s->invalidated = c->invalidated;
    s->flushes = c->flushes;
    s->hash_buckets = c->nbuckets;
    s->code_pages = c->npages;
}
