/* core_device: device classes, typed properties, -device specs, IRQ lines
 * and the state description walker. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/machine.h"

typedef struct ProbeDev {
    Device dev;
    bool flag;
    uint8_t b;
    uint16_t h;
    uint32_t w;
    uint64_t q;
    char *label;
    bool fail_realize;
    int resets;
    /* state only */
    uint32_t regs[4];
    uint8_t blob[6];
} ProbeDev;

static bool probe_realize(Device *dev, Machine *m)
{
    return !((ProbeDev *)dev)->fail_realize;
}

static void probe_reset(Device *dev)
{
    ((ProbeDev *)dev)->resets++;
}

static const Property probe_props[] = {
    DEFINE_PROP_BOOL("flag", ProbeDev, flag, true, "a switch"),
    DEFINE_PROP_U8("b", ProbeDev, b, 7, "a byte"),
    DEFINE_PROP_U16("h", ProbeDev, h, 0x1234, "a halfword"),
    DEFINE_PROP_U32("w", ProbeDev, w, 100, "a word"),
    DEFINE_PROP_U64("q", ProbeDev, q, 1ull << 40, "a doubleword"),
    DEFINE_PROP_STRING("label", ProbeDev, label, "none", "a name"),
    DEFINE_PROP_BOOL("fail", ProbeDev, fail_realize, false, "make realize fail"),
    DEFINE_PROP_END,
};

static const VMStateField probe_vmstate[] = {
    VMSTATE_BOOL(ProbeDev, flag),   VMSTATE_U8(ProbeDev, b),
    VMSTATE_U16(ProbeDev, h),       VMSTATE_U32(ProbeDev, w),
    VMSTATE_U64(ProbeDev, q),       VMSTATE_U32_ARRAY(ProbeDev, regs),
    VMSTATE_BUFFER(ProbeDev, blob), VMSTATE_END,
};

static const DeviceClass probe_class = {
    .name = "core-test-probe",
    .desc = "unit test device",
    .instance_size = sizeof(ProbeDev),
    .props = probe_props,
    .vmstate = probe_vmstate,
    .vmstate_version = 3,
    .realize = probe_realize,
    .reset = probe_reset,
    .user_creatable = true,
};
DEVICE_REGISTER(probe_class)

static ProbeDev *probe_new(void)
{
    return (ProbeDev *)device_create(NULL, "core-test-probe");
}

TestSuite(core_device);

Test(core_device, create_applies_defaults)
{
    ProbeDev *p = probe_new();
    cr_assert_not_null(p);
    cr_assert_eq(p->dev.class, &probe_class);
    cr_assert(p->flag);
    cr_assert_eq(p->b, 7);
    cr_assert_eq(p->h, 0x1234);
    cr_assert_eq(p->w, 100);
    cr_assert_eq(p->q, 1ull << 40);
    cr_assert_str_eq(p->label, "none");
    cr_assert_not(p->dev.realized);
    device_free(&p->dev);
    cr_assert_null(device_create(NULL, "no-such-device"));
}

Test(core_device, bool_spellings)
{
    ProbeDev *p = probe_new();
    char err[256];
    static const struct {
        const char *text;
        bool value;
    } cases[] = {{"on", true},   {"off", false},   {"yes", true}, {"no", false},
                 {"true", true}, {"false", false}, {"1", true},   {"0", false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert(device_set_prop(&p->dev, "flag", cases[i].text, err, sizeof err));
        cr_assert_eq(p->flag, cases[i].value, "flag=%s", cases[i].text);
    }
    cr_assert_not(device_set_prop(&p->dev, "flag", "maybe", err, sizeof err));
    cr_assert_str_eq(err, "property 'flag' of 'core-test-probe' expects on or off, got 'maybe'");
    device_free(&p->dev);
}

Test(core_device, integer_parsing_and_ranges)
{
    ProbeDev *p = probe_new();
    char err[256];
    cr_assert(device_set_prop(&p->dev, "w", "0x10", err, sizeof err));
    cr_assert_eq(p->w, 16);
    cr_assert(device_set_prop(&p->dev, "w", "4K", err, sizeof err));
    cr_assert_eq(p->w, 4096);
    cr_assert(device_set_prop(&p->dev, "q", "2G", err, sizeof err));
    cr_assert_eq(p->q, 2ull << 30);
    cr_assert(device_set_prop(&p->dev, "b", "255", err, sizeof err));
    cr_assert_eq(p->b, 255);
    cr_assert(device_set_prop(&p->dev, "h", "65535", err, sizeof err));
    cr_assert_eq(p->h, 65535);

    cr_assert_not(device_set_prop(&p->dev, "b", "256", err, sizeof err));
    cr_assert_str_eq(err,
                     "property 'b' of 'core-test-probe' expects a number up to 255, got '256'");
    cr_assert_eq(p->b, 255, "a rejected value leaves the field alone");
    cr_assert_not(device_set_prop(&p->dev, "w", "4294967296", err, sizeof err));
    cr_assert_not(device_set_prop(&p->dev, "w", "ten", err, sizeof err));
    cr_assert_not(device_set_prop(&p->dev, "w", "", err, sizeof err));
    cr_assert_not(device_set_prop(&p->dev, "w", "-1", err, sizeof err));
    cr_assert_eq(p->w, 4096);
    device_free(&p->dev);
}

Test(core_device, strings_and_unknown_property)
{
    ProbeDev *p = probe_new();
    char err[256], buf[64];
    cr_assert(device_set_prop(&p->dev, "label", "serial0", err, sizeof err));
    cr_assert_str_eq(p->label, "serial0");
    cr_assert(device_get_prop(&p->dev, "label", buf, sizeof buf));
    cr_assert_str_eq(buf, "serial0");
    cr_assert(device_get_prop(&p->dev, "flag", buf, sizeof buf));
    cr_assert_str_eq(buf, "on");
    cr_assert(device_get_prop(&p->dev, "h", buf, sizeof buf));
    cr_assert_str_eq(buf, "4660");
    cr_assert_not(device_set_prop(&p->dev, "colour", "red", err, sizeof err));
    cr_assert_str_eq(err, "device 'core-test-probe' has no property 'colour' (see -device "
                          "core-test-probe,help)");
    cr_assert_not(device_get_prop(&p->dev, "colour", buf, sizeof buf));
    device_free(&p->dev);
}

Test(core_device, check_spec_errors)
{
    char err[256];
    cr_assert(device_check_spec("core-test-probe,w=5,label=x,id=p0", err, sizeof err));
    cr_assert(device_check_spec("driver=core-test-probe,b=1", err, sizeof err));
    cr_assert_not(device_check_spec("bogus-dev,w=1", err, sizeof err));
    cr_assert_str_eq(err, "unknown device 'bogus-dev' (see -device help)");
    cr_assert_not(device_check_spec("core-test-probe,nope=1", err, sizeof err));
    cr_assert_str_eq(err, "device 'core-test-probe' has no property 'nope' (see -device "
                          "core-test-probe,help)");
    cr_assert_not(device_check_spec("core-test-probe,w=lots", err, sizeof err));
    cr_assert(strstr(err, "expects a number"));
    cr_assert_not(device_check_spec("core-test-probe,w", err, sizeof err));
    cr_assert_str_eq(err, "expected prop=value, got 'w'");
}

Test(core_device, create_from_spec_realizes_into_machine)
{
    Machine m = {0};
    cr_assert(device_create_from_spec(&m, "core-test-probe,w=0x20,flag=off,label=a,,b,id=p0"));
    cr_assert(device_create_from_spec(&m, "core-test-probe,id=p1"));
    ProbeDev *p = (ProbeDev *)m.devices;
    cr_assert_not_null(p);
    cr_assert(p->dev.realized);
    cr_assert_eq(p->dev.machine, &m);
    cr_assert_str_eq(p->dev.id, "p0");
    cr_assert_eq(p->w, 0x20);
    cr_assert_not(p->flag);
    cr_assert_str_eq(p->label, "a,b", "',,' is a literal comma");
    cr_assert_eq(p->resets, 1, "realize resets the device");
    ProbeDev *p1 = (ProbeDev *)p->dev.next;
    cr_assert_str_eq(p1->dev.id, "p1", "devices stay in creation order");
    cr_assert_null(p1->dev.next);

    device_reset_all(&m);
    cr_assert_eq(p->resets, 2);
    cr_assert_eq(p1->resets, 2);
    device_free(&p->dev);
    cr_assert_eq(m.devices, &p1->dev, "a freed device leaves the machine's list");
    device_free_all(&m);
    cr_assert_null(m.devices);
}

Test(core_device, create_from_spec_failures, .init = cr_redirect_stderr)
{
    Machine m = {0};
    cr_assert_not(device_create_from_spec(&m, "core-test-probe,fail=on"));
    cr_assert_not(device_create_from_spec(&m, "core-test-probe,w=x"));
    cr_assert_null(m.devices, "failed devices are not added");
    fflush(stderr);
    cr_assert_stderr_eq_str("doppel: -device: property 'w' of 'core-test-probe' expects a number "
                            "up to 4294967295, got 'x'\n");
}

Test(core_device, print_list_and_props)
{
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    device_print_list(f);
    fclose(f);
    cr_assert(strstr(text, "  core-test-probe      unit test device\n"));
    free(text);

    f = open_memstream(&text, &len);
    cr_assert(device_print_props("core-test-probe", f));
    cr_assert_not(device_print_props("nope", f));
    fclose(f);
    cr_assert(strstr(text, "core-test-probe: unit test device\n"));
    cr_assert(strstr(text, "  w=<u32>                  a word (default 100)\n"));
    cr_assert(strstr(text, "  flag=<bool>              a switch (default on)\n"));
    cr_assert(strstr(text, "  label=<string>           a name (default \"none\")\n"));
    free(text);
}

/* ---- IRQ lines ---- */

typedef struct IrqProbe {
    int calls;
    int last_n, last_level;
} IrqProbe;

static void irq_probe_handler(void *opaque, int n, int level)
{
    IrqProbe *p = opaque;
    p->calls++;
    p->last_n = n;
    p->last_level = level;
}

Test(core_device, irq_lines_report_changes_only)
{
    IrqProbe probe = {0};
    IrqLine line;
    irq_init(&line, irq_probe_handler, &probe, 5);
    irq_raise(&line);
    cr_assert_eq(probe.calls, 1);
    cr_assert_eq(probe.last_n, 5);
    cr_assert_eq(probe.last_level, 1);
    irq_set(&line, 7); /* any nonzero level is 1 */
    cr_assert_eq(probe.calls, 1);
    cr_assert_eq(line.level, 1);
    irq_lower(&line);
    cr_assert_eq(probe.calls, 2);
    cr_assert_eq(probe.last_level, 0);
    irq_pulse(&line);
    cr_assert_eq(probe.calls, 4);
    cr_assert_eq(line.level, 0);
    irq_raise(NULL); /* an unconnected output */
    irq_pulse(NULL);

    ProbeDev *p = probe_new();
    device_connect_irq(&p->dev, 2, &line);
    cr_assert_eq(p->dev.irq_out[2], &line);
    device_connect_irq(&p->dev, DEVICE_MAX_IRQ_OUT, &line); /* out of range: ignored */
    device_free(&p->dev);
}

/* ---- state description ---- */

static void probe_fill(ProbeDev *p)
{
    p->flag = true;
    p->b = 0xab;
    p->h = 0xbeef;
    p->w = 0xdeadbeef;
    p->q = 0x0123456789abcdefull;
    p->regs[0] = 1;
    p->regs[1] = p->regs[2] = p->regs[3] = 0;
    memcpy(p->blob, "\x11\x11\x11\x22\x33\x33", 6);
}

static uint8_t *probe_save(ProbeDev *p, size_t *len)
{
    *len = vmstate_save(&p->dev, NULL, 0);
    uint8_t *buf = malloc(*len);
    cr_assert_eq(vmstate_save(&p->dev, buf, *len), *len);
    return buf;
}

Test(core_device, vmstate_round_trip)
{
    ProbeDev *a = probe_new(), *b = probe_new();
    probe_fill(a);
    size_t len;
    uint8_t *buf = probe_save(a, &len);
    cr_assert_eq(memcmp(buf, "DPVS", 4), 0);
    char err[256];
    cr_assert(vmstate_load(&b->dev, buf, len, err, sizeof err), "%s", err);
    cr_assert_eq(b->flag, a->flag);
    cr_assert_eq(b->b, 0xab);
    cr_assert_eq(b->h, 0xbeef);
    cr_assert_eq(b->w, 0xdeadbeef);
    cr_assert_eq(b->q, 0x0123456789abcdefull);
    cr_assert_eq(memcmp(b->regs, a->regs, sizeof a->regs), 0);
    cr_assert_eq(memcmp(b->blob, a->blob, sizeof a->blob), 0);
    free(buf);
    device_free(&a->dev);
    device_free(&b->dev);
}

Test(core_device, vmstate_is_little_endian)
{
    ProbeDev *a = probe_new();
    probe_fill(a);
    size_t len;
    uint8_t *buf = probe_save(a, &len);
    /* The u32 field "w" follows its header: name len, name, type, count. */
    static const uint8_t want[] = {1, 'w', 2 /* VMS_U32 */, 1, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde};
    cr_assert(memmem(buf, len, want, sizeof want) != NULL);
    free(buf);
    device_free(&a->dev);
}

/* The same device name with a different table, as another build would have. */
static const VMStateField probe_vmstate_other[] = {
    VMSTATE_BOOL(ProbeDev, flag),   VMSTATE_U8(ProbeDev, b),
    VMSTATE_U16(ProbeDev, h),       VMSTATE_U64(ProbeDev, q),
    VMSTATE_U32(ProbeDev, w),       VMSTATE_U32_ARRAY(ProbeDev, regs),
    VMSTATE_BUFFER(ProbeDev, blob), VMSTATE_END,
};

Test(core_device, vmstate_rejects_other_layouts)
{
    ProbeDev *a = probe_new();
    probe_fill(a);
    size_t len;
    uint8_t *buf = probe_save(a, &len);
    char err[256];

    DeviceClass other = probe_class;
    other.vmstate = probe_vmstate_other;
    ProbeDev *b = probe_new();
    b->dev.class = &other;
    b->w = 42;
    cr_assert_not(vmstate_load(&b->dev, buf, len, err, sizeof err));
    cr_assert_str_eq(err, "core-test-probe state: layout differs at field 'q' (offset 60): saved "
                          "by another version");
    cr_assert_eq(b->w, 42, "a rejected load changes nothing");

    other.vmstate = probe_vmstate;
    other.vmstate_version = 4;
    cr_assert_not(vmstate_load(&b->dev, buf, len, err, sizeof err));
    cr_assert_str_eq(err, "core-test-probe state: version 3, this build reads version 4");

    other.name = "core-test-other";
    cr_assert_not(vmstate_load(&b->dev, buf, len, err, sizeof err));
    cr_assert_str_eq(err, "core-test-other state: saved for another device type");
    b->dev.class = &probe_class;

    cr_assert_not(vmstate_load(&b->dev, buf, len - 1, err, sizeof err));
    cr_assert_str_eq(err, "core-test-probe state: truncated in field 'blob'");
    cr_assert_eq(b->w, 42, "a truncated load changes nothing");
    uint8_t *longer = calloc(1, len + 2);
    memcpy(longer, buf, len);
    cr_assert_not(vmstate_load(&b->dev, longer, len + 2, err, sizeof err));
    cr_assert_str_eq(err, "core-test-probe state: 2 bytes of trailing data");
    cr_assert_not(vmstate_load(&b->dev, (const uint8_t *)"junk", 4, err, sizeof err));
    cr_assert_str_eq(err, "core-test-probe state: not device state data");
    free(longer);
    free(buf);
    device_free(&a->dev);
    device_free(&b->dev);
}

Test(core_device, vmstate_print_format)
{
    ProbeDev *a = probe_new();
    probe_fill(a);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    vmstate_print(&a->dev, f);
    fclose(f);
    cr_assert_str_eq(text, "flag = 0x01\n"
                           "b = 0xab\n"
                           "h = 0xbeef\n"
                           "w = 0xdeadbeef\n"
                           "q = 0x0123456789abcdef\n"
                           "regs = [0x00000001 0x00000000*3]\n"
                           "blob = [0x11*3 0x22 0x33*2]\n");
    free(text);
    device_free(&a->dev);
}
