/*
 * Whole-machine images in memory (blueprint §10): capture and restore of
 * cpus, devices, RAM, machine-level sections and the virtual clock.  A
 * restore checks every section against the machine first (names, layouts,
 * sizes) and only then changes anything, so a mismatched image leaves the
 * guest as it was.  Files of images: snapshot_file.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/snapshot_internal.h"
#include "core/tb.h"
#include "core/vmstate_check.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define CLOCK_SECTION_LEN 36 /* i64 ns, i64 bias, u64 icount, u64 arm seq, i32 shift */

bool vm_image_add(VmImage *img, const char *name, uint8_t *data, size_t len)
{
    if (!data && len) return false;
    if (img->nsections == img->cap) {
        size_t cap = img->cap ? img->cap * 2 : 32;
        SnapSection *s = realloc(img->sections, cap * sizeof *s);
        if (!s) {
            free(data);
            return false;
        }
        img->sections = s;
        img->cap = cap;
    }
    SnapSection *s = &img->sections[img->nsections++];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->data = data;
    s->len = len;
    return true;
}

void vm_image_free(VmImage *img)
{
    if (!img) return;
    for (size_t i = 0; i < img->nsections; i++)
        free(img->sections[i].data);
    free(img->sections);
    free(img);
}

size_t vm_image_size(const VmImage *img)
{
    size_t n = sizeof *img;
    for (size_t i = 0; img && i < img->nsections; i++)
        n += sizeof img->sections[i] + img->sections[i].len;
    return n;
}

uint64_t vm_image_icount(const VmImage *img)
{
    return img ? img->icount : 0;
}

static const char *device_label(const Device *d)
{
    return d->id ? d->id : d->class->name;
}

/* ---- capture ---- */

static uint8_t *save_table(const char *name, uint32_t version, const VMStateField *fields,
                           const void *base, size_t *len)
{
    *len = vmstate_save_table(name, version, fields, base, NULL, 0);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf) vmstate_save_table(name, version, fields, base, buf, *len);
    return buf;
}

typedef struct RamCapture {
    Machine *m;
    VmImage *img;
    bool failed;
} RamCapture;

/* Whether a device registered mr itself (snapshot_add_ram): the memory
 * map walk leaves it to the registered list, which covers it mapped or
 * not. */
static bool ram_registered(Machine *m, const MemoryRegion *mr)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->nrams; i++)
        if (r->rams[i] == mr) return true;
    return false;
}

static void capture_ram(RamCapture *rc, MemoryRegion *mr)
{
    char name[SNAPSHOT_SECTION_MAX];
    size_t len = 0;
    snprintf(name, sizeof name, "ram %s", mr->name ? mr->name : "(anon)");
    uint8_t *data = snapshot_ram_encode(mr->host, mr->size, &len);
    if (!vm_image_add(rc->img, name, data, len)) rc->failed = true;
}

static void capture_ram_region(void *opaque, MemoryRegion *mr)
{
    RamCapture *rc = opaque;
    if (!ram_registered(rc->m, mr)) capture_ram(rc, mr);
}

static uint8_t *save_clock(Machine *m, size_t *len)
{
    uint8_t *b = malloc(CLOCK_SECTION_LEN);
    if (!b) return NULL;
    put_le64(b, (uint64_t)clock_get_ns(m->clocks, CLK_VIRTUAL));
    put_le64(b + 8, (uint64_t)clocks_icount_bias(m->clocks));
    put_le64(b + 16, machine_total_icount(m));
    put_le64(b + 24, clocks_next_arm_seq(m->clocks));
    put_le32(b + 32, (uint32_t)m->icount_shift);
    *len = CLOCK_SECTION_LEN;
    return b;
}

static bool capture_extras(Machine *m, VmImage *img, char *err, size_t errlen)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->nextras; i++) {
        SnapshotExtra *e = &r->extras[i];
        void *op = snapshot_extra_opaque(e);
        size_t len = e->ops->size(op);
        uint8_t *buf = malloc(len ? len : 1);
        if (buf) e->ops->save(op, buf);
        char name[SNAPSHOT_SECTION_MAX];
        snprintf(name, sizeof name, "extra %s", e->name);
        if (!vm_image_add(img, name, buf, len)) {
            snprintf(err, errlen, "out of memory saving %s", e->name);
            return false;
        }
    }
    return true;
}

static bool capture_cpus_devices(Machine *m, VmImage *img, char *err, size_t errlen)
{
    for (int i = 0; i < m->ncpus; i++) {
        CPUState *cpu = m->cpus[i];
        const ArchOps *a = cpu->arch;
        if (!a->vmstate) {
            snprintf(err, errlen, "cpu %d (%s) has no state description", i, a->name);
            return false;
        }
        char name[SNAPSHOT_SECTION_MAX];
        size_t len = 0;
        snprintf(name, sizeof name, "cpu %d", i);
        uint8_t *buf = save_table(a->name, a->vmstate_version, a->vmstate, cpu, &len);
        if (!vm_image_add(img, name, buf, len)) {
            snprintf(err, errlen, "out of memory saving cpu %d", i);
            return false;
        }
    }
    for (Device *d = m->devices; d; d = d->next) {
        if (!d->class->vmstate) {
            snprintf(err, errlen, "device '%s' has no state description", device_label(d));
            return false;
        }
        char name[SNAPSHOT_SECTION_MAX];
        snprintf(name, sizeof name, "device %s", device_label(d));
        size_t len = vmstate_save(d, NULL, 0);
        uint8_t *buf = malloc(len ? len : 1);
        if (buf) vmstate_save(d, buf, len);
        if (!vm_image_add(img, name, buf, len)) {
            snprintf(err, errlen, "out of memory saving device '%s'", device_label(d));
            return false;
        }
    }
    return true;
}

VmImage *vm_image_capture(Machine *m, char *err, size_t errlen)
{
    VmImage *img = calloc(1, sizeof *img);
    if (!img) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(img->machine, sizeof img->machine, "%s", m->mc->name);
    img->ncpus = m->ncpus;
    for (int i = 0; i < m->ncpus; i++)
        snprintf(img->arch[i], sizeof img->arch[i], "%s", m->cpus[i]->arch->name);
    img->icount = machine_total_icount(m);
    img->ram_size = m->ram_size;
    img->date = time(NULL);
    img->vm_clock_ns = clock_get_ns(m->clocks, CLK_VIRTUAL);
    if (!capture_cpus_devices(m, img, err, errlen) || !capture_extras(m, img, err, errlen))
        goto fail;
    RamCapture rc = {m, img, false};
    memory_region_for_each_ram(m->system_memory, capture_ram_region, &rc);
    struct SnapshotDrives *reg = snapshot_registry(m);
    for (int i = 0; reg && i < reg->nrams; i++)
        capture_ram(&rc, reg->rams[i]);
    size_t len = 0;
    uint8_t *clock = save_clock(m, &len);
    if (rc.failed || !vm_image_add(img, "clock", clock, len)) {
        if (rc.failed) free(clock);
        snprintf(err, errlen, "out of memory saving RAM");
        goto fail;
    }
    return img;
fail:
    vm_image_free(img);
    return NULL;
}

/* ---- checking an image against the machine ---- */

/* Which section goes where, found while checking and used to apply. */
typedef struct RestorePlan {
    const SnapSection *cpu[MACHINE_MAX_CPUS];
    const SnapSection *clock;
    size_t ndevices;
    const SnapSection **device; /* per device in machine order */
    const SnapSection **extra;  /* per registered section */
    struct {
        const SnapSection *sec;
        MemoryRegion *mr;
    } * ram;
    size_t nram;
} RestorePlan;

static void plan_free(RestorePlan *p)
{
    free(p->device);
    free(p->extra);
    free(p->ram);
}

typedef struct RamFind {
    const char *name;
    MemoryRegion *found;
} RamFind;

static void ram_find_visit(void *opaque, MemoryRegion *mr)
{
    RamFind *f = opaque;
    if (!f->found && mr->name && strcmp(mr->name, f->name) == 0) f->found = mr;
}

static bool check_cpu(Machine *m, RestorePlan *p, const SnapSection *s, char *err, size_t errlen)
{
    char *end;
    long i = strtol(s->name + 4, &end, 10);
    if (*end || i < 0 || i >= m->ncpus || p->cpu[i]) {
        snprintf(err, errlen, "unexpected section '%s'", s->name);
        return false;
    }
    CPUState *cpu = m->cpus[i];
    const ArchOps *a = cpu->arch;
    char why[256];
    if (!a->vmstate) {
        snprintf(err, errlen, "cpu %ld (%s) has no state description", i, a->name);
        return false;
    }
    if (!vmstate_check_table(a->name, a->vmstate_version, a->vmstate, cpu, s->data, s->len, why,
                             sizeof why)) {
        snprintf(err, errlen, "cpu %ld state layout differs (%s)", i, why);
        return false;
    }
    p->cpu[i] = s;
    return true;
}

static bool check_device(Machine *m, RestorePlan *p, const SnapSection *s, char *err, size_t errlen)
{
    size_t n = 0;
    Device *d = m->devices;
    for (; d && n < p->ndevices; d = d->next)
        n++;
    if (!d) {
        snprintf(err, errlen, "%s is not in this machine", s->name);
        return false;
    }
    char why[256];
    if (!d->class->vmstate) {
        snprintf(err, errlen, "device '%s' has no state description", device_label(d));
        return false;
    }
    if (strcmp(s->name + 7, device_label(d)) != 0) {
        snprintf(err, errlen, "device '%s' saved where this machine has '%s'", s->name + 7,
                 device_label(d));
        return false;
    }
    if (!vmstate_check(d, s->data, s->len, why, sizeof why)) {
        snprintf(err, errlen, "device '%s' state layout differs (%s)", device_label(d), why);
        return false;
    }
    p->device[p->ndevices++] = s;
    return true;
}

static bool check_ram(Machine *m, RestorePlan *p, const SnapSection *s, char *err, size_t errlen)
{
    RamFind f = {s->name + 4, NULL};
    struct SnapshotDrives *reg = snapshot_registry(m);
    for (int i = 0; reg && i < reg->nrams && !f.found; i++)
        ram_find_visit(&f, reg->rams[i]);
    memory_region_for_each_ram(m->system_memory, ram_find_visit, &f);
    char why[256];
    if (!f.found) {
        snprintf(err, errlen, "RAM region '%s' is not in this machine", f.name);
        return false;
    }
    if (!snapshot_ram_check(s->data, s->len, f.found->size, why, sizeof why)) {
        snprintf(err, errlen, "RAM region '%s': %s", f.name, why);
        return false;
    }
    for (size_t i = 0; i < p->nram; i++) {
        if (p->ram[i].mr == f.found) {
            snprintf(err, errlen, "RAM region '%s' saved twice", f.name);
            return false;
        }
    }
    p->ram[p->nram].sec = s;
    p->ram[p->nram++].mr = f.found;
    return true;
}

static bool check_extra(Machine *m, RestorePlan *p, const SnapSection *s, char *err, size_t errlen)
{
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->nextras; i++) {
        SnapshotExtra *e = &r->extras[i];
        if (strcmp(e->name, s->name + 6) != 0) continue;
        char why[256];
        if (!e->ops->check(snapshot_extra_opaque(e), s->data, s->len, why, sizeof why)) {
            snprintf(err, errlen, "%s", why);
            return false;
        }
        p->extra[i] = s;
        return true;
    }
    snprintf(err, errlen, "machine state '%s' is not in this machine", s->name + 6);
    return false;
}

static bool check_section(Machine *m, RestorePlan *p, const SnapSection *s, char *err,
                          size_t errlen)
{
    if (strncmp(s->name, "cpu ", 4) == 0) return check_cpu(m, p, s, err, errlen);
    if (strncmp(s->name, "device ", 7) == 0) return check_device(m, p, s, err, errlen);
    if (strncmp(s->name, "ram ", 4) == 0) return check_ram(m, p, s, err, errlen);
    if (strncmp(s->name, "extra ", 6) == 0) return check_extra(m, p, s, err, errlen);
    if (strcmp(s->name, "clock") == 0 && !p->clock && s->len == CLOCK_SECTION_LEN) {
        p->clock = s;
        return true;
    }
    snprintf(err, errlen, "unexpected section '%s'", s->name);
    return false;
}

static bool check_header(Machine *m, const VmImage *img, char *err, size_t errlen)
{
    if (strcmp(img->machine, m->mc->name) != 0) {
        snprintf(err, errlen, "was saved by machine '%s', this is '%s'", img->machine, m->mc->name);
        return false;
    }
    if (img->ncpus != m->ncpus) {
        snprintf(err, errlen, "was saved with %d cpus, this machine has %d", img->ncpus, m->ncpus);
        return false;
    }
    for (int i = 0; i < m->ncpus; i++) {
        if (strcmp(img->arch[i], m->cpus[i]->arch->name) != 0) {
            snprintf(err, errlen, "cpu %d was a '%s' cpu, this one is '%s'", i, img->arch[i],
                     m->cpus[i]->arch->name);
            return false;
        }
    }
    if (img->ram_size != m->ram_size) {
        snprintf(err, errlen, "was saved with %llu MiB of RAM, this machine has %llu MiB",
                 (unsigned long long)(img->ram_size >> 20),
                 (unsigned long long)(m->ram_size >> 20));
        return false;
    }
    return true;
}

static size_t count_devices(Machine *m)
{
    size_t n = 0;
    for (Device *d = m->devices; d; d = d->next)
        n++;
    return n;
}

static bool plan_build(Machine *m, const VmImage *img, RestorePlan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (!check_header(m, img, err, errlen)) return false;
    size_t ndev = count_devices(m);
    struct SnapshotDrives *r = snapshot_registry(m);
    p->device = calloc(ndev + 1, sizeof *p->device);
    p->extra = calloc(SNAPSHOT_MAX_EXTRAS, sizeof *p->extra);
    p->ram = calloc(img->nsections + 1, sizeof *p->ram);
    if (!p->device || !p->extra || !p->ram) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < img->nsections; i++)
        if (!check_section(m, p, &img->sections[i], err, errlen)) return false;
    for (int i = 0; i < m->ncpus; i++) {
        if (!p->cpu[i]) {
            snprintf(err, errlen, "cpu %d is missing", i);
            return false;
        }
    }
    if (p->ndevices != ndev) {
        snprintf(err, errlen, "has %zu devices, this machine has %zu", p->ndevices, ndev);
        return false;
    }
    for (int i = 0; r && i < r->nextras; i++) {
        if (!p->extra[i]) {
            snprintf(err, errlen, "machine state '%s' is missing", r->extras[i].name);
            return false;
        }
    }
    if (!p->clock) {
        snprintf(err, errlen, "the clock section is missing");
        return false;
    }
    return true;
}

bool vm_image_check(Machine *m, const VmImage *img, char *err, size_t errlen)
{
    RestorePlan p;
    bool ok = plan_build(m, img, &p, err, errlen);
    plan_free(&p);
    return ok;
}

/* ---- applying a checked image ---- */

static void apply_plan(Machine *m, const RestorePlan *p)
{
    char err[256];
    for (size_t i = 0; i < p->nram; i++)
        snapshot_ram_apply(p->ram[i].mr->host, p->ram[i].mr->size, p->ram[i].sec->data,
                           p->ram[i].sec->len);
    for (int i = 0; i < m->ncpus; i++) {
        const ArchOps *a = m->cpus[i]->arch;
        vmstate_load_table(a->name, a->vmstate_version, a->vmstate, m->cpus[i], p->cpu[i]->data,
                           p->cpu[i]->len, err, sizeof err);
    }
    /* The clock before devices and cpu hooks: they re-arm timers
     * relative to it.  With icount the cpus' counts are already back. */
    clocks_set_virtual_ns(m->clocks, (int64_t)get_le64(p->clock->data));
    clocks_set_next_arm_seq(m->clocks, get_le64(p->clock->data + 24));
    size_t n = 0;
    for (Device *d = m->devices; d; d = d->next, n++)
        vmstate_load(d, p->device[n]->data, p->device[n]->len, err, sizeof err);
    struct SnapshotDrives *r = snapshot_registry(m);
    for (int i = 0; r && i < r->nextras; i++)
        r->extras[i].ops->load(snapshot_extra_opaque(&r->extras[i]), p->extra[i]->data,
                               p->extra[i]->len);
    /* Timers restored with their saved sequence numbers moved the counter
     * past them; put it back where it was so later armings match. */
    clocks_set_next_arm_seq(m->clocks, get_le64(p->clock->data + 24));
    for (int i = 0; i < m->ncpus; i++) {
        CPUState *cpu = m->cpus[i];
        if (cpu->arch->post_load) cpu->arch->post_load(cpu);
        if (cpu->tlb) tlb_flush(cpu);
    }
    /* Translated code and the JIT's copies of it described the old RAM. */
    if (m->tb_cache) tb_flush(m->tb_cache);
}

bool vm_image_restore(Machine *m, const VmImage *img, char *err, size_t errlen)
{
    RestorePlan p;
    bool ok = plan_build(m, img, &p, err, errlen);
    if (ok) apply_plan(m, &p);
    plan_free(&p);
    return ok;
}
