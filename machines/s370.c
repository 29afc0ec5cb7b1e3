/*
 * The mainframe boards: -M s370 (System/370, BC/EC PSWs, S/370 channels)
 * and -M s390 (ESA/390, the channel subsystem).  One CPU, main storage at
 * absolute 0 with its storage keys, the channels, a 3215 console at 009
 * on the serial chardev, and units from -device (or -kernel DECK: a
 * 3505 card reader at 00C holding the deck).  Boot is IPL from -ipl DEVNO
 * (default 00C with -kernel).
 *
 * -hercules-cnf FILE builds the same board from a Hercules configuration
 * (core/hercules_cnf.h): MAINSIZE unless -m is given, the CPU id, the
 * IPL device unless -ipl/-kernel is given, the console at the file's
 * first console statement, and its other devices.
 *
 * Test exit (blueprint §8): a disabled wait ends the run with the low 8
 * bits of the wait PSW's instruction address as exit status, after
 * printing the PSW and, with -dump-on-wait ADDR:LEN, that storage.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/device.h"
#include "core/hercules_cnf.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/snapshot_section.h"
#include "devices/channel/channel.h"
#include "frontends/s370/s370.h"
#include "softmmu/memory.h"

#define S370_CONSOLE_DEVNO "009"
#define S370_READER_DEVNO  "00c"

typedef struct S370Board {
    MemoryRegion storage;
    uint8_t *keys;
    ChannelSubsystem *css;
    IrqLine io_pending;
    S370CPU *cpu;
    uint16_t ipl_devno;
    bool have_ipl;
    bool dump;
    uint32_t dump_addr, dump_len;
    const char *console_type, *console_devno;
    char console_devno_buf[8];
    HercConfig *cnf; /* -hercules-cnf, during init */
} S370Board;

static void s370_board_dump(Machine *m, S370Board *b)
{
    uint8_t line[16];
    for (uint32_t off = 0; off < b->dump_len; off += 16) {
        uint32_t n = b->dump_len - off < 16 ? b->dump_len - off : 16;
        uint64_t addr = (uint64_t)b->dump_addr + off;
        if (dma_read(m->as, addr, line, n) != MEMTX_OK) memset(line, 0, n);
        printf("%08" PRIX64 ":", addr);
        for (uint32_t i = 0; i < n; i++)
            printf(" %02X", line[i]);
        printf("\n");
    }
    fflush(stdout);
}

static void s370_board_disabled_wait(S370CPU *cpu, const uint8_t psw[8])
{
    Machine *m = cpu->common.machine;
    S370Board *b = m->board;
    fprintf(stderr, "doppel: disabled wait PSW=%02X%02X%02X%02X %02X%02X%02X%02X\n", psw[0], psw[1],
            psw[2], psw[3], psw[4], psw[5], psw[6], psw[7]);
    if (b->dump) s370_board_dump(m, b);
    machine_request_exit(m, psw[7]);
}

static bool s370_board_parse_options(Machine *m, S370Board *b)
{
    const Options *o = m->opts;
    if (!o) return true;
    if (o->bios || o->initrd || o->dtb || o->append) {
        fprintf(stderr, "doppel: %s: the mainframe boards boot by IPL (-ipl, -kernel DECK)\n",
                o->bios     ? "-bios"
                : o->initrd ? "-initrd"
                : o->dtb    ? "-dtb"
                            : "-append");
        return false;
    }
    if (o->ipl) {
        b->ipl_devno = (uint16_t)strtoul(o->ipl, NULL, 16);
        b->have_ipl = true;
    } else if (o->kernel) {
        b->ipl_devno = 0x00c;
        b->have_ipl = true;
    }
    if (o->dump_on_wait) {
        char *end;
        b->dump_addr = (uint32_t)strtoul(o->dump_on_wait, &end, 16);
        b->dump_len = (uint32_t)strtoul(end + 1, NULL, 16);
        b->dump = true;
    }
    return true;
}

static const char *const herc_arch_names[] = {
    [HERC_ARCH_S370] = "S/370",
    [HERC_ARCH_ESA390] = "ESA/390",
    [HERC_ARCH_ZARCH] = "z/Arch",
};

/* Read -hercules-cnf: what the board itself takes from it (storage size,
 * CPU id, IPL device, console); its devices come after the board's own. */
static bool s370_board_read_hercules_cnf(Machine *m, S370Board *b, S370ArchMode arch)
{
    const Options *o = m->opts;
    const char *path = o->hercules_cnf;
    b->cnf = calloc(1, sizeof(*b->cnf));
    if (!b->cnf || !hercules_cnf_load(path, b->cnf, stderr)) return false;
    HercConfig *cfg = b->cnf;
    HercArch want = arch == S370_ARCH_370 ? HERC_ARCH_S370 : HERC_ARCH_ESA390;
    /* z/Arch machines IPL in ESA/390 mode (Hercules' hercconf "ARCHMODE");
     * doppel has no z/Architecture mode to switch to yet. */
    if (cfg->arch == HERC_ARCH_ZARCH && want == HERC_ARCH_ESA390)
        fprintf(stderr,
                "doppel: -hercules-cnf %s: ARCHMODE z/Arch: running as ESA/390 (no "
                "z/Architecture mode yet)\n",
                path);
    else if (cfg->arch != HERC_ARCH_DEFAULT && cfg->arch != want) {
        fprintf(stderr, "doppel: -hercules-cnf %s: ARCHMODE %s needs -M %s, not -M %s\n", path,
                herc_arch_names[cfg->arch], cfg->arch == HERC_ARCH_S370 ? "s370" : "s390",
                m->mc->name);
        return false;
    }
    if (cfg->numcpu > 1)
        fprintf(stderr, "doppel: -hercules-cnf %s: NUMCPU %d: the board has one CPU; using 1\n",
                path, cfg->numcpu);
    if (cfg->mainsize && !o->ram_size) m->ram_size = cfg->mainsize;
    if (cfg->have_ipl && !b->have_ipl) {
        b->ipl_devno = cfg->ipl_devno;
        b->have_ipl = true;
    }
    uint16_t devno;
    if (hercules_cnf_console(cfg, &devno)) {
        snprintf(b->console_devno_buf, sizeof b->console_devno_buf, "%03x", devno);
        b->console_devno = b->console_devno_buf;
        for (int i = 0; i < cfg->ndevs; i++)
            if (cfg->devs[i].devno == devno && !strncmp(cfg->devs[i].type, "1052", 4))
                b->console_type = "1052";
    }
    return true;
}

/* The configuration's devices, after the board's console and reader. */
static bool s370_board_apply_hercules_cnf(Machine *m, S370Board *b)
{
    if (!b->cnf) return true;
    bool ok = hercules_cnf_apply(b->cnf, m, stderr);
    hercules_cnf_free(b->cnf);
    free(b->cnf);
    b->cnf = NULL;
    return ok;
}

/* A unit of the board's own default set, made as -device would make it. */
static bool s370_board_add_unit(Machine *m, const char *type, const char *devno, const char *prop,
                                const char *value)
{
    Device *dev = device_create(m, type);
    char err[256] = "";
    if (!dev) {
        fprintf(stderr, "doppel: %s: no such device\n", type);
        return false;
    }
    if (!device_set_prop(dev, "devno", devno, err, sizeof err) ||
        (prop && !device_set_prop(dev, prop, value, err, sizeof err))) {
        fprintf(stderr, "doppel: %s: %s\n", type, err);
        device_free(dev);
        return false;
    }
    return device_realize(dev);
}

static bool s370_board_init(Machine *m, S370ArchMode arch)
{
    S370Board *b = calloc(1, sizeof(*b));
    if (!b) return false;
    m->board = b;
    b->console_type = "3215";
    b->console_devno = S370_CONSOLE_DEVNO;
    if (!s370_board_parse_options(m, b)) return false;
    if (m->opts && m->opts->hercules_cnf && !s370_board_read_hercules_cnf(m, b, arch)) return false;
    uint64_t limit = arch == S370_ARCH_370 ? (64ull << 20) : (2048ull << 20);
    if (m->ram_size > limit || m->ram_size < (64u << 10) || (m->ram_size & 0xfff)) {
        fprintf(stderr,
                "doppel: -m: %s main storage must be a multiple of 4 KiB from 64 KiB to "
                "%llu MiB\n",
                m->mc->name, (unsigned long long)(limit >> 20));
        return false;
    }
    if (!memory_region_init_ram(&b->storage, "main-storage", m->ram_size)) {
        fprintf(stderr, "doppel: -m: cannot allocate %llu bytes of main storage\n",
                (unsigned long long)m->ram_size);
        return false;
    }
    memory_region_add_subregion(m->system_memory, 0, &b->storage, 0);
    b->keys = calloc(m->ram_size >> STORAGE_KEY_BLOCK_BITS, 1);
    b->css = channel_subsystem_new(m, arch == S370_ARCH_390);
    if (!b->keys || !b->css) return false;
    channel_subsystem_set_storage_keys(b->css, b->keys, m->ram_size);
    machine_add_bus(m, "channel", b->css);

    CPUState *c = machine_add_cpu(m, &s370_arch_ops);
    if (!c) return false;
    b->cpu = s370_cpu(c);
    b->cpu->cpuid_serial = b->cnf && b->cnf->have_cpuserial ? b->cnf->cpuserial : 0x000370;
    b->cpu->cpuid_model = b->cnf && b->cnf->have_cpumodel ? b->cnf->cpumodel
                          : arch == S370_ARCH_370         ? 0x3158
                                                          : 0x9672;
    b->cpu->disabled_wait = s370_board_disabled_wait;
    s370_cpu_attach_storage(b->cpu, b->keys, m->ram_size);
    /* Storage keys are guest state outside any device (snapshots). */
    snapshot_add_bytes_section(m, "storage-keys", b->keys, m->ram_size >> STORAGE_KEY_BLOCK_BITS);
    b->cpu->io = (ChannelIo){&channel_io_ops, b->css};
    s370_cpu_set_arch(b->cpu, arch);
    irq_init(&b->io_pending, s370_io_irq_handler, c, 0);
    channel_subsystem_connect(b->css, &b->io_pending);

    Chardev *chr;
    if (!chardev_open_serial0(m, &chr)) return false;
    if (chr) {
        if (!s370_board_add_unit(m, b->console_type, b->console_devno, "chardev", "serial0"))
            return false;
    }
    if (m->opts && m->opts->kernel &&
        !s370_board_add_unit(m, "3505", S370_READER_DEVNO, "file", m->opts->kernel))
        return false;
    return s370_board_apply_hercules_cnf(m, b);
}

static bool s370_machine_init(Machine *m)
{
    return s370_board_init(m, S370_ARCH_370);
}

static bool s390_machine_init(Machine *m)
{
    return s370_board_init(m, S370_ARCH_390);
}

/* IPL (PoO-370 §4 "Initial Program Loading"): system reset, the IPL
 * channel program, then the PSW at absolute 0. */
static bool s370_machine_boot(Machine *m)
{
    S370Board *b = m->board;
    if (!b->have_ipl) {
        fprintf(stderr,
                "doppel: %s: nothing to IPL: give -ipl DEVNO with its device, or "
                "-kernel DECK\n",
                m->mc->name);
        return false;
    }
    char err[256] = "";
    channel_subsystem_reset(b->css);
    if (!channel_ipl(b->css, b->ipl_devno, err, sizeof err)) {
        fprintf(stderr, "doppel: IPL from %03X failed: %s\n", b->ipl_devno, err);
        return false;
    }
    if (!s370_load_psw_from(b->cpu, 0)) {
        uint8_t psw[8];
        s370_psw_store(b->cpu, psw);
        fprintf(stderr,
                "doppel: IPL from %03X: the IPL PSW %02X%02X%02X%02X %02X%02X%02X%02X is "
                "invalid\n",
                b->ipl_devno, psw[0], psw[1], psw[2], psw[3], psw[4], psw[5], psw[6], psw[7]);
        return false;
    }
    return true;
}

static void s370_machine_finalize(Machine *m)
{
    S370Board *b = m->board;
    if (!b) return;
    if (b->cpu) s370_timer_fini(b->cpu); /* added by the timer helper: LSan */
    if (b->cnf) {
        hercules_cnf_free(b->cnf);
        free(b->cnf);
    }
    if (b->css) channel_subsystem_free(b->css);
    if (b->storage.kind == MR_RAM) {
        memory_region_del_subregion(m->system_memory, &b->storage);
        memory_region_destroy(&b->storage);
    }
    free(b->keys);
    free(b);
    m->board = NULL;
}

static const MachineClass s370_machine = {
    .name = "s370",
    .desc = "IBM System/370 (BC/EC mode, S/370 channels, 3215 console at 009)",
    .arch = "s370",
    .default_ram_size = 16ull << 20,
    .max_cpus = 1,
    .init = s370_machine_init,
    .finalize = s370_machine_finalize,
    .boot = s370_machine_boot,
};
MACHINE_REGISTER(s370_machine)

static const MachineClass s390_machine = {
    .name = "s390",
    .desc = "ESA/390 (31-bit, channel subsystem, 3215 console at 009)",
    .arch = "s370",
    .default_ram_size = 64ull << 20,
    .max_cpus = 1,
    .init = s390_machine_init,
    .finalize = s370_machine_finalize,
    .boot = s370_machine_boot,
};
MACHINE_REGISTER(s390_machine)
