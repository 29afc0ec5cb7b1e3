/* softmmu_map: the region tree and its flat view. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softmmu/memory.h"

typedef struct ExpectedSection {
    uint64_t start, end;
    const MemoryRegion *mr;
    uint64_t offset;
} ExpectedSection;

static void assert_view(const AddressSpace *as, const ExpectedSection *want, unsigned n)
{
    cr_assert_eq(as->view->nsections, n, "sections: got %u want %u", as->view->nsections, n);
    for (unsigned i = 0; i < n; i++) {
        const FlatSection *s = &as->view->sections[i];
        cr_assert_eq(s->start, want[i].start, "section %u start %#lx", i, (unsigned long)s->start);
        cr_assert_eq(s->end, want[i].end, "section %u end %#lx", i, (unsigned long)s->end);
        cr_assert_eq(s->mr, want[i].mr, "section %u region %s", i, s->mr->name);
        cr_assert_eq(s->offset_in_mr, want[i].offset, "section %u offset", i);
    }
}

#define ASSERT_VIEW(as, ...)                                                                       \
    do {                                                                                           \
        const ExpectedSection want_[] = {__VA_ARGS__};                                             \
        assert_view(as, want_, sizeof(want_) / sizeof(want_[0]));                                  \
    } while (0)

static MemoryRegion root, ram, ram2, io, io2;
static AddressSpace as;
static const MemoryRegionOps dummy_ops = {0};

static void setup(void)
{
    memory_region_init_container(&root, "root", UINT64_MAX);
    cr_assert(memory_region_init_ram(&ram, "ram", 0x10000));
    cr_assert(memory_region_init_ram(&ram2, "ram2", 0x1000));
    memory_region_init_io(&io, "io", 0x1000, &dummy_ops, NULL);
    memory_region_init_io(&io2, "io2", 0x1000, &dummy_ops, NULL);
    address_space_init(&as, &root, "test");
}

static void teardown(void)
{
    address_space_destroy(&as);
    memory_region_destroy(&io2);
    memory_region_destroy(&io);
    memory_region_destroy(&ram2);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
}

TestSuite(softmmu_map, .init = setup, .fini = teardown);

Test(softmmu_map, empty_space_has_no_sections)
{
    cr_assert_eq(as.view->nsections, 0);
    cr_assert_null(address_space_lookup(&as, 0));
}

Test(softmmu_map, higher_priority_punches_hole)
{
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_add_subregion(&root, 0x4000, &io, 1);
    ASSERT_VIEW(&as, {0, 0x4000, &ram, 0}, {0x4000, 0x5000, &io, 0},
                {0x5000, 0x10000, &ram, 0x5000});
}

Test(softmmu_map, lower_priority_added_later_stays_below)
{
    memory_region_add_subregion(&root, 0x4000, &io, 1);
    memory_region_add_subregion(&root, 0, &ram, 0);
    ASSERT_VIEW(&as, {0, 0x4000, &ram, 0}, {0x4000, 0x5000, &io, 0},
                {0x5000, 0x10000, &ram, 0x5000});
}

Test(softmmu_map, equal_priority_later_added_wins)
{
    memory_region_add_subregion(&root, 0x800, &io, 0);
    memory_region_add_subregion(&root, 0x1000, &io2, 0);
    ASSERT_VIEW(&as, {0x800, 0x1000, &io, 0}, {0x1000, 0x2000, &io2, 0});
}

Test(softmmu_map, disabled_region_is_invisible_until_enabled)
{
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_add_subregion(&root, 0x2000, &io, 5);
    memory_region_set_enabled(&io, false);
    ASSERT_VIEW(&as, {0, 0x10000, &ram, 0});
    memory_region_set_enabled(&io, true);
    ASSERT_VIEW(&as, {0, 0x2000, &ram, 0}, {0x2000, 0x3000, &io, 0},
                {0x3000, 0x10000, &ram, 0x3000});
}

Test(softmmu_map, alias_maps_part_of_ram_and_shares_bytes)
{
    MemoryRegion alias;
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_init_alias(&alias, "alias", &ram, 0x1000, 0x2000);
    memory_region_add_subregion(&root, 0x80000, &alias, 0);
    ASSERT_VIEW(&as, {0, 0x10000, &ram, 0}, {0x80000, 0x82000, &ram, 0x1000});

    uint32_t v = 0xdeadbeef, r = 0;
    cr_assert_eq(address_space_rw(&as, 0x80010, &v, 4, true), MEMTX_OK);
    cr_assert_eq(address_space_rw(&as, 0x1010, &r, 4, false), MEMTX_OK);
    cr_assert_eq(r, 0xdeadbeef);
    memory_region_destroy(&alias);
}

/* The PC's PAM shadow: a read-only alias reads RAM and drops writes;
 * the firmware loader (write_rom) still writes through it. */
Test(softmmu_map, readonly_alias_drops_guest_writes)
{
    MemoryRegion alias;
    memory_region_init_alias(&alias, "shadow", &ram, 0x2000, 0x1000);
    memory_region_add_subregion(&root, 0x80000, &alias, 0);
    uint32_t v = 0x11223344, r = 0;
    cr_assert_eq(address_space_rw(&as, 0x80000, &v, 4, true), MEMTX_OK);
    memory_region_set_readonly(&alias, true);
    cr_assert(as.view->sections[0].readonly);
    uint32_t w = 0xdeadbeef;
    cr_assert_eq(address_space_rw(&as, 0x80000, &w, 4, true), MEMTX_OK);
    cr_assert_eq(address_space_rw(&as, 0x80000, &r, 4, false), MEMTX_OK);
    cr_assert_eq(r, 0x11223344, "a write through the read-only alias changed RAM: %#x", r);
    cr_assert_null(address_space_ram_ptr(&as, 0x80000, 4, true));
    cr_assert_not_null(address_space_ram_ptr(&as, 0x80000, 4, false));
    cr_assert_eq(address_space_write_rom(&as, 0x80000, &w, 4), MEMTX_OK);
    cr_assert_eq(address_space_rw(&as, 0x80000, &r, 4, false), MEMTX_OK);
    cr_assert_eq(r, 0xdeadbeef);
    memory_region_set_readonly(&alias, false);
    cr_assert_eq(address_space_rw(&as, 0x80000, &v, 4, true), MEMTX_OK);
    cr_assert_eq(address_space_rw(&as, 0x80000, &r, 4, false), MEMTX_OK);
    cr_assert_eq(r, 0x11223344);
    memory_region_destroy(&alias);
}

Test(softmmu_map, alias_clipped_by_its_own_size)
{
    MemoryRegion alias;
    memory_region_init_alias(&alias, "alias", &ram, 0xf000, 0x4000);
    memory_region_add_subregion(&root, 0x100000, &alias, 0);
    /* Only 0x1000 bytes of ram lie past the alias offset. */
    ASSERT_VIEW(&as, {0x100000, 0x101000, &ram, 0xf000});
    memory_region_destroy(&alias);
}

Test(softmmu_map, nested_containers_add_offsets_and_holes_show_through)
{
    MemoryRegion sub;
    memory_region_init_container(&sub, "sub", 0x4000);
    memory_region_add_subregion(&sub, 0x1000, &io, 0);
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_add_subregion(&root, 0x8000, &sub, 1);
    /* The container is transparent: ram shows through around io. */
    ASSERT_VIEW(&as, {0, 0x9000, &ram, 0}, {0x9000, 0xa000, &io, 0},
                {0xa000, 0x10000, &ram, 0xa000});
    /* A change deep in the tree updates the view too. */
    memory_region_set_address(&io, 0x2000);
    ASSERT_VIEW(&as, {0, 0xa000, &ram, 0}, {0xa000, 0xb000, &io, 0},
                {0xb000, 0x10000, &ram, 0xb000});
    memory_region_add_subregion(&sub, 0x3800, &io2, 0); /* clipped by sub's size */
    ASSERT_VIEW(&as, {0, 0xa000, &ram, 0}, {0xa000, 0xb000, &io, 0}, {0xb000, 0xb800, &ram, 0xb000},
                {0xb800, 0xc000, &io2, 0}, {0xc000, 0x10000, &ram, 0xc000});
    memory_region_destroy(&sub);
}

Test(softmmu_map, del_subregion_uncovers_what_was_below)
{
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_add_subregion(&root, 0x1000, &ram2, 3);
    ASSERT_VIEW(&as, {0, 0x1000, &ram, 0}, {0x1000, 0x2000, &ram2, 0},
                {0x2000, 0x10000, &ram, 0x2000});
    memory_region_del_subregion(&root, &ram2);
    cr_assert_null(ram2.parent);
    ASSERT_VIEW(&as, {0, 0x10000, &ram, 0});
}

Test(softmmu_map, set_address_moves_region)
{
    memory_region_add_subregion(&root, 0x1000, &io, 0);
    memory_region_set_address(&io, 0x7000);
    ASSERT_VIEW(&as, {0x7000, 0x8000, &io, 0});
}

Test(softmmu_map, region_at_top_of_64bit_space)
{
    memory_region_add_subregion(&root, UINT64_MAX - 0xfff, &io, 0);
    /* The very last byte is not representable as a section end. */
    ASSERT_VIEW(&as, {UINT64_MAX - 0xfff, UINT64_MAX, &io, 0});
    cr_assert_eq(address_space_lookup(&as, UINT64_MAX - 1)->mr, &io);
}

Test(softmmu_map, lookup_boundaries)
{
    memory_region_add_subregion(&root, 0x2000, &ram2, 0);
    memory_region_add_subregion(&root, 0x5000, &io, 0);
    cr_assert_null(address_space_lookup(&as, 0x1fff));
    cr_assert_eq(address_space_lookup(&as, 0x2000)->mr, &ram2);
    cr_assert_eq(address_space_lookup(&as, 0x2fff)->mr, &ram2);
    cr_assert_null(address_space_lookup(&as, 0x3000));
    cr_assert_eq(address_space_lookup(&as, 0x5fff)->mr, &io);
    cr_assert_null(address_space_lookup(&as, 0x6000));
}

Test(softmmu_map, ram_is_zeroed)
{
    for (uint64_t i = 0; i < ram.size; i++)
        cr_assert_eq(ram.host[i], 0);
}

Test(softmmu_map, print_tree_and_flat_view)
{
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_add_subregion(&root, 0x4000, &io, 1);
    memory_region_add_subregion(&root, 0x20000, &io2, 0);
    memory_region_set_enabled(&io2, false);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    memory_region_print_tree(&root, f);
    address_space_print_flat(&as, f);
    fclose(f);
    cr_assert(strstr(text, "0000000000004000-0000000000004fff (prio 1, i/o): io\n"), "%s", text);
    cr_assert(strstr(text, "  0000000000000000-000000000000ffff (prio 0, ram): ram\n"), "%s", text);
    cr_assert(strstr(text, "io2 [disabled]\n"), "%s", text);
    cr_assert(strstr(text, "  0000000000005000-000000000000ffff ram @0000000000005000\n"), "%s",
              text);
    free(text);
}
