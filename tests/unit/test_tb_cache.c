/* The TB cache: hash lookup, links and their undoing, invalidation by
 * physical range (one- and two-page TBs), jump caches, flush. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/tb.h"

static TranslationBlock *mk_tb(uint64_t pc, uint64_t phys, uint32_t size, uint32_t first,
                               uint64_t page1)
{
    TranslationBlock *tb = tb_alloc();
    tb->pc = pc;
    tb->phys_pc = phys;
    tb->size = size;
    tb->size_first = first;
    tb->page_addr[0] = phys & ~0xfffull;
    tb->page_addr[1] = page1;
    return tb;
}

Test(tb_cache, lookup_by_full_key)
{
    TbCache *c = tb_cache_new();
    TranslationBlock *a = mk_tb(0x1000, 0x81000, 16, 16, -1);
    a->flags = 3;
    tb_insert(c, a);
    cr_assert_eq(tb_lookup_hash(c, 0x1000, 0x81000, 0, 3), a);
    cr_assert_null(tb_lookup_hash(c, 0x1000, 0x81000, 0, 2), "flags are part of the key");
    cr_assert_null(tb_lookup_hash(c, 0x1000, 0x82000, 0, 3), "phys_pc is part of the key");
    cr_assert_null(tb_lookup_hash(c, 0x1000, 0x81000, 4, 3), "cs_base is part of the key");
    tb_cache_free(c);
}

Test(tb_cache, many_tbs_survive_resizing)
{
    TbCache *c = tb_cache_new();
    enum { N = 40000 };
    for (uint64_t i = 0; i < N; i++)
        tb_insert(c, mk_tb(i * 4, 0x100000 + i * 4, 4, 4, -1));
    for (uint64_t i = 0; i < N; i += 97)
        cr_assert_not_null(tb_lookup_hash(c, i * 4, 0x100000 + i * 4, 0, 0));
    TbCacheStats s;
    tb_cache_stats(c, &s);
    cr_assert_eq(s.live, N);
    tb_cache_free(c);
}

Test(tb_cache, invalidating_a_target_unlinks_its_sources)
{
    TbCache *c = tb_cache_new();
    TranslationBlock *a = mk_tb(0x1000, 0x1000, 8, 8, -1), *b = mk_tb(0x1008, 0x1008, 8, 8, -1);
    tb_insert(c, a);
    tb_insert(c, b);
    tb_link(a, 0, b);
    tb_link(b, 1, a);
    cr_assert_eq(a->jmp_dest[0], b);
    tb_invalidate(c, b);
    cr_assert_null(a->jmp_dest[0]);
    cr_assert(b->invalid);
    cr_assert_eq(a->nincoming, 0, "b's outgoing link into a was not removed");
    cr_assert_null(tb_lookup_hash(c, 0x1008, 0x1008, 0, 0));
    tb_reclaim(c);
    tb_cache_free(c);
}

Test(tb_cache, range_invalidation_is_exact)
{
    TbCache *c = tb_cache_new();
    TranslationBlock *a = mk_tb(0x2000, 0x2000, 0x10, 0x10, -1);
    TranslationBlock *b = mk_tb(0x2020, 0x2020, 0x10, 0x10, -1);
    tb_insert(c, a);
    tb_insert(c, b);
    cr_assert(tb_invalidate_phys_range(c, NULL, 0x2010, 0x10), "b still holds code on the page");
    cr_assert_not(a->invalid);
    cr_assert_not(b->invalid);
    tb_invalidate_phys_range(c, NULL, 0x200f, 1);
    cr_assert(a->invalid);
    cr_assert_not(b->invalid);
    cr_assert_not(tb_invalidate_phys_range(c, NULL, 0x202f, 1), "no code left on the page");
    cr_assert(b->invalid);
    tb_reclaim(c);
    tb_cache_free(c);
}

Test(tb_cache, two_page_tb_dies_by_either_page)
{
    TbCache *c = tb_cache_new();
    /* 6 bytes at the end of page 0x3000, 10 on a physical page at 0x9000 */
    TranslationBlock *t = mk_tb(0x3ffa, 0x3ffa, 16, 6, 0x9000);
    tb_insert(c, t);
    cr_assert(tb_page_has_code(c, 0x9004));
    tb_invalidate_phys_range(c, NULL, 0x900a, 1);
    cr_assert_not(t->invalid, "write past the TB's bytes on page 2");
    tb_invalidate_phys_range(c, NULL, 0x9009, 1);
    cr_assert(t->invalid);
    cr_assert_not(tb_page_has_code(c, 0x3ffc));
    tb_reclaim(c);
    tb_cache_free(c);
}

Test(tb_cache, invalidation_clears_jump_caches)
{
    TbCache *c = tb_cache_new();
    CPUState cpu = {0};
    cpu.jmp_cache = calloc(TB_JMP_CACHE_SIZE, sizeof(*cpu.jmp_cache));
    tb_cache_add_cpu(c, &cpu);
    TranslationBlock *a = mk_tb(0x4000, 0x4000, 4, 4, -1);
    tb_insert(c, a);
    cpu.jmp_cache[tb_jmp_cache_hash(a->pc)] = a;
    tb_invalidate_phys_range(c, NULL, 0x4000, 4);
    cr_assert_null(cpu.jmp_cache[tb_jmp_cache_hash(0x4000)]);
    tb_reclaim(c);
    tb_cache_free(c);
    free(cpu.jmp_cache);
}

Test(tb_cache, flush_drops_everything_and_stops_chaining)
{
    TbCache *c = tb_cache_new();
    TranslationBlock *a = mk_tb(0x1000, 0x1000, 8, 8, -1), *b = mk_tb(0x1008, 0x1008, 8, 8, -1);
    tb_insert(c, a);
    tb_insert(c, b);
    tb_link(a, 0, b);
    tb_flush(c);
    cr_assert(a->invalid && b->invalid);
    cr_assert_null(a->jmp_dest[0], "a TB still running after a flush must not chain");
    cr_assert_null(tb_lookup_hash(c, 0x1000, 0x1000, 0, 0));
    cr_assert_not(tb_page_has_code(c, 0x1000));
    TbCacheStats s;
    tb_cache_stats(c, &s);
    cr_assert_eq(s.live, 0);
    cr_assert_eq(s.flushes, 1);
    tb_reclaim(c);
    tb_cache_free(c);
}
