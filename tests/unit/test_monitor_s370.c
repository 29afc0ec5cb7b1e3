/*
 * monitor_s370: the monitor's commands on a real S/370 machine in the
 * test process (tests/unit/test_monitor_fixture.h): info cpus, status,
 * tlb (after the DAT test guest ran), mtree, qtree, irq; x and xp in every
 * format and unit; print; stop, cont, cpu, system_reset,
 * system_powerdown, quit; log and logfile.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "core/log.h"
#include "core/runstate.h"
#include "softmmu/memory.h"
#include "test_monitor_fixture.h"
#include "test_util.h"

static void stop_fixture(void)
{
    fx_stop();
}

TestSuite(monitor_s370, .fini = stop_fixture, .timeout = 60);

/* The loop program at 400 (see fx_write_loop_deck). */
static const char loop_bytes_line[] = "0000000000000400: 0x41 0x10 0x00 0x01 0x1e 0x21 0x47 0xf0\n";

Test(monitor_s370, xp_formats_and_units)
{
    fx_start_s370_loop("");
    cr_expect_str_eq(fx_run("xp /8xb 0x400"), loop_bytes_line);
    /* Big-endian guest: units are read in its byte order. */
    cr_expect_str_eq(fx_run("xp /2xw 0x400"), "0000000000000400: 0x41100001 0x1e2147f0\n");
    cr_expect_str_eq(fx_run("xp /xh 0x400"), "0000000000000400: 0x4110\n");
    cr_expect_str_eq(fx_run("xp /1xg 0x400"), "0000000000000400: 0x411000011e2147f0\n");
    cr_expect_str_eq(fx_run("xp /3dh 0x404"), "0000000000000404:  7713 18416  1028\n");
    cr_expect_str_eq(fx_run("xp /2db 0x406"), "0000000000000406:  71 -16\n");
    cr_expect_str_eq(fx_run("xp /2ub 0x406"), "0000000000000406:  71 240\n");
    cr_expect_str_eq(fx_run("xp /2ob 0x400"), "0000000000000400: 0101 020\n");
    cr_expect_str_eq(fx_run("xp /4c 0x400"), "0000000000000400: 'A' '\\x10' '\\x00' '\\x01'\n");
    /* 8 bytes a line for bytes, 16 for larger units. */
    cr_expect_str_eq(fx_run("xp /10xb 0x400"),
                     "0000000000000400: 0x41 0x10 0x00 0x01 0x1e 0x21 0x47 0xf0\n"
                     "0000000000000408: 0x04 0x04\n");
    cr_expect_str_eq(fx_run("xp /5xw 0x400"),
                     "0000000000000400: 0x41100001 0x1e2147f0 0x04040000 0x00000000\n"
                     "0000000000000410: 0x00000000\n");
    /* The last format and unit stay (QEMU's), the count does not. */
    cr_expect_str_eq(fx_run("xp /2xh 0x400"), "0000000000000400: 0x4110 0x0001\n");
    cr_expect_str_eq(fx_run("xp 0x404"), "0000000000000404: 0x1e21\n");
    cr_expect_str_eq(fx_run("xp/2 0x404"), "0000000000000404: 0x1e21 0x47f0\n");
    /* Expressions for the address. */
    cr_expect_str_eq(fx_run("xp /1xb 0x3ff + (2 * 3 - 5)"), "0000000000000400: 0x41\n");
    cr_expect_str_eq(fx_run("xp /1xb 1024"), "0000000000000400: 0x41\n");
}

Test(monitor_s370, xp_errors_are_one_line)
{
    fx_start_s370_loop("");
    cr_expect_str_eq(fx_run("xp /4z 0x400"), "xp: invalid char in format: 'z'\n");
    cr_expect_str_eq(fx_run("xp"), "xp: expected an address (usage: xp /fmt addr)\n");
    cr_expect_str_eq(fx_run("xp /4xb"), "xp: expected an address (usage: xp /fmt addr)\n");
    cr_expect_str_eq(fx_run("xp /4xb $nosuch"), "xp: unknown register '$nosuch'\n");
    cr_expect_str_eq(fx_run("xp 0x10zz"), "xp: malformed number\n");
    cr_expect_str_eq(fx_run("xp (1"), "xp: missing ')'\n");
    cr_expect_str_eq(fx_run("xp 4 4"), "xp: unexpected '4' in expression\n");
    cr_expect_str_eq(fx_run("xp /100000xg 0"), "xp: at most 65536 bytes at once\n");
    /* Beyond main storage (16 MiB). */
    cr_expect_str_eq(fx_run("xp /2xw 0x7fff0000"), "000000007fff0000: Cannot access memory\n");
}

/* x reads through the cpu's translation: with DAT off it sees what xp
 * sees; /i disassembles with ArchOps.disas. */
Test(monitor_s370, x_virtual_and_instructions)
{
    fx_start_s370_loop("");
    uint8_t probe;
    if (cpu_memory_rw_debug(fx.m->cpus[0], 0x400, &probe, 1, false) != 0)
        cr_skip_test("cpu_memory_rw_debug is still a stub (the debug core)");
    cr_expect_str_eq(fx_run("x /8xb 0x400"), loop_bytes_line);
    cr_expect_str_eq(fx_run("x/2xw $pc"), "0000000000000400: 0x41100001 0x1e2147f0\n");
    if (!fx.m->cpus[0]->arch->disas) {
        cr_expect_str_eq(fx_run("x /2i 0x400"), "no disassembler for this cpu (s370)\n");
        return;
    }
    fx_run("x /3i 0x400");
    cr_expect_str_eq(fx.out, "0x0000000000000400:  la      %r1,1\n"
                             "0x0000000000000404:  alr     %r2,%r1\n"
                             "0x0000000000000406:  bc      15,1028\n");
    /* xp/i where the address maps to itself (DAT off). */
    cr_expect_str_eq(fx_run("xp /1i 0x404"), "0x0000000000000404:  alr     %r2,%r1\n");
}

Test(monitor_s370, print_expressions)
{
    fx_start_s370_loop("");
    cr_expect_str_eq(fx_run("p 0x10 + 2*3"), "0x16\n");
    cr_expect_str_eq(fx_run("print (1 + 2) * 3"), "0x9\n");
    cr_expect_str_eq(fx_run("p /d 5 - 7"), "-2\n");
    cr_expect_str_eq(fx_run("p/u 100 / 7"), "14\n");
    cr_expect_str_eq(fx_run("p /o 8"), "010\n");
    cr_expect_str_eq(fx_run("p /c 0x41"), "'A'\n");
    cr_expect_str_eq(fx_run("p $pc"), "0x400\n");
    cr_expect_str_eq(fx_run("p $PC + 4"), "0x404\n");
    cr_expect_str_eq(fx_run("p 1/0"), "print: division by zero\n");
    cr_expect_str_eq(fx_run("p 5 +"), "print: expected a number or $register\n");
    cr_expect_str_eq(fx_run("p /z 5"), "print: invalid format '/z' (x d u o c)\n");
    cr_expect_str_eq(fx_run("p"), "print: expected an expression\n");
}

/* A register by its gdb name, where the frontend describes them. */
Test(monitor_s370, print_gdb_register)
{
    fx_start_s370_loop("");
    const ArchOps *a = fx.m->cpus[0]->arch;
    if (!a->gdb_target_xml || !a->gdb_read_reg || !strstr(a->gdb_target_xml, "name=\"r1\""))
        cr_skip_test("the S/370 frontend describes no register r1 for gdb yet");
    fx_exec(3); /* LA 1,1 ran */
    cr_expect_str_eq(fx_run("p $r1"), "0x1\n");
}

Test(monitor_s370, info_cpus_and_cpu)
{
    fx_start_s370_loop("");
    cr_expect_str_eq(fx_run("info cpus"), "* CPU #0: pc=0x0000000000000400\n");
    fx_exec(4);
    CPUState *cpu = fx.m->cpus[0];
    char want[96];
    snprintf(want, sizeof want, "* CPU #0: pc=0x%016" PRIx64 "\n", cpu->pc);
    cr_expect_str_eq(fx_run("info cpus"), want);
    cr_expect(cpu->pc == 0x404 || cpu->pc == 0x406, "pc %" PRIx64, cpu->pc);
    cr_expect_str_eq(fx_run("cpu 0"), "");
    cr_expect_str_eq(fx_run("cpu 1"), "cpu: invalid cpu index '1' (this machine has 1)\n");
    cr_expect_str_eq(fx_run("cpu x"), "cpu: invalid cpu index 'x' (this machine has 1)\n");
    cr_expect_str_eq(fx_run("cpu"), "cpu: expected a cpu index (see 'info cpus')\n");
}

Test(monitor_s370, status_follows_the_run_state)
{
    fx_start_s370_loop("");
    cr_expect_str_eq(fx_run("info status"), "VM status: running\n");
    cr_expect_str_eq(fx_run("stop"), "");
    cr_expect_eq(vm_state(fx.m), RUN_STATE_PAUSED);
    cr_expect(fx.m->cpus[0]->stopped);
    cr_expect_str_eq(fx_run("info status"), "VM status: paused\n");
    vm_stop(fx.m, RUN_STATE_DEBUG);
    cr_expect_str_eq(fx_run("info status"), "VM status: paused (debug)\n");
    cr_expect_str_eq(fx_run("c"), "");
    cr_expect_str_eq(fx_run("info status"), "VM status: running\n");
    cr_expect_not(fx.m->cpus[0]->stopped);
    vm_stop(fx.m, RUN_STATE_PRELAUNCH);
    cr_expect_str_eq(fx_run("info status"), "VM status: paused (prelaunch)\n");
    cr_expect_str_eq(fx_run("cont"), "");
    cr_expect_eq(vm_state(fx.m), RUN_STATE_RUNNING);
    /* step wants a stopped machine. */
    cr_expect_str_eq(fx_run("step"), "step: the machine is running (stop it first)\n");
    cr_expect_str_eq(fx_run("step 0"), "step: expected a positive number of steps, got '0'\n");
}

/* What the listeners hear from system_reset, system_powerdown and quit. */
typedef struct Heard {
    VmEvent event;
    bool guest;
    char reason[64];
    int count;
} Heard;

static void hear(void *opaque, VmEvent event, const VmEventInfo *info)
{
    Heard *h = opaque;
    h->event = event;
    h->guest = info->guest;
    snprintf(h->reason, sizeof h->reason, "%s", info->reason ? info->reason : "");
    h->count++;
}

Test(monitor_s370, reset_powerdown_quit)
{
    fx_start_s370_loop("");
    Heard h = {0};
    cr_assert(vm_add_listener(fx.m, hear, &h));
    fx_exec(10);
    cr_expect_neq(fx.m->cpus[0]->pc, 0);
    cr_expect_str_eq(fx_run("system_reset"), "");
    cr_expect_eq(h.event, VM_EVENT_RESET);
    cr_expect_not(h.guest);
    cr_expect_str_eq(h.reason, "host-qmp-system-reset");
    cr_expect_str_eq(fx_run("system_powerdown"), "this machine has no power button\n");
    cr_expect_eq(h.count, 1, "no POWERDOWN on a machine without a power button");
    cr_expect_str_eq(fx_run("quit"), "");
    cr_expect(fx.m->quit);
    cr_expect_eq(fx.m->exit_status, 0);
    cr_expect_eq(h.event, VM_EVENT_SHUTDOWN);
    cr_expect_not(h.guest);
    cr_expect_str_eq(h.reason, "host-qmp-quit");
    vm_remove_listener(fx.m, &h);
}

/* The S/370 map: one RAM region under the system container. */
Test(monitor_s370, info_mtree)
{
    fx_start_s370_loop("");
    fx_run("info mtree");
    cr_expect_eq(strncmp(fx.out,
                         "address-space: memory\n"
                         "  0000000000000000-fffffffffffffffe (prio 0, container): system\n",
                         86),
                 0, "%s", fx.out);
    cr_expect_not_null(strstr(fx.out, "    0000000000000000-0000000000ffffff (prio 0, ram): "),
                       "%s", fx.out);
    fx_run("info mtree -f");
    cr_expect_not_null(strstr(fx.out, "address-space (flat view): memory\n"
                                      "  0000000000000000-0000000000ffffff (ram): "),
                       "%s", fx.out);
    cr_expect_str_eq(fx_run("info mtree -x"),
                     "info mtree: unknown option '-x' (usage: info mtree [-f])\n");
}

/* Every device with its properties and state: the card reader holds the
 * deck it read. */
Test(monitor_s370, info_qtree)
{
    fx_start_s370_loop("");
    fx_run("info qtree");
    const char *reader = strstr(fx.out, "dev: 3505, id \"\"\n");
    cr_assert_not_null(reader, "%s", fx.out);
    cr_expect_not_null(strstr(reader, "  devno = 00c\n"), "%s", reader);
    cr_expect_not_null(strstr(reader, "  state (version "), "%s", reader);
    /* The IPL read both cards: the reader's offset is 160. */
    cr_expect_not_null(strstr(reader, "    offset = 0x00000000000000a0\n"), "%s", reader);
    cr_expect_str_eq(fx_run("info irq"),
                     "no interrupt controller on this machine keeps statistics\n");
}

/* The DAT test guest maps virtual 020000 to real 030000 (4K pages); once
 * it has touched that page, info tlb lists the translation. */
Test(monitor_s370, info_tlb_after_dat)
{
    char deck[512], cmd[700];
    snprintf(deck, sizeof deck, "%s/dat370.deck", DOPPEL_S370_GUEST_DIR);
    if (access(deck, R_OK) != 0) cr_skip_test("no %s (S/370 guests not built)", deck);
    snprintf(cmd, sizeof cmd, "-M s370 -accel interp -nographic -serial null -kernel %s", deck);
    fx_start(cmd);
    CPUState *cpu = fx.m->cpus[0];
    bool seen = false;
    for (int i = 0; i < 20000 && !seen && !cpu->halted; i++) {
        fx_exec(5);
        for (unsigned mode = 0; mode < cpu->arch->mmu_modes && !seen; mode++) {
            for (unsigned k = 0; k < TLB_SIZE && !seen; k++) {
                const TlbEntry *e = &cpu->tlb->table[mode][k];
                seen = !(e->addr_write & TLB_INVALID) &&
                       (e->addr_write & cpu->page_mask) == 0x20000 &&
                       (cpu->tlb->full[mode][k].paddr & ~0xfffull) == 0x30000;
            }
        }
    }
    cr_assert(seen, "the guest never wrote through virtual 020000");
    fx_run("info tlb");
    cr_expect_not_null(strstr(fx.out, "  0000000000020000 -> 0000000000030000 rw"), "%s", fx.out);
    cr_expect_not_null(strstr(fx.out, "soft TLB, cpu 0, mmu mode "), "%s", fx.out);
}

/* log and logfile change the log at run time: after 'log int' the
 * program interruption of a guest is in the file. */
Test(monitor_s370, log_and_logfile)
{
    fx_start_s370_loop("");
    char path[128], text[8192];
    snprintf(path, sizeof path, "%s/log.txt", fx.dir);
    char line[200];
    snprintf(line, sizeof line, "logfile %s", path);
    cr_expect_str_eq(fx_run(line), "");
    cr_expect_str_eq(fx_run("log int,mmu"), "");
    cr_expect_eq(log_mask_current, LOG_INT | LOG_MMU);
    cr_expect_str_eq(fx_run("log frob"), "log: unknown log category 'frob' (see -d help)\n");
    cr_expect_eq(log_mask_current, LOG_INT | LOG_MMU, "a bad list changes nothing");
    cr_expect_str_eq(fx_run("log int"), "");
    /* Patch the loop into an invalid operation (opcode 00) at 404: the
     * program interruption is logged under int. */
    uint8_t zero[2] = {0, 0};
    address_space_rw(fx.m->as, 0x404, zero, 2, true);
    fx_exec(50);
    test_read_file(path, text, sizeof text);
    cr_expect_neq(text[0], '\0', "nothing logged after 'log int'");
    cr_expect_str_eq(fx_run("log none"), "");
    cr_expect_eq(log_mask_current, 0);
    fx_run("log");
    cr_expect_not_null(strstr(fx.out, "Log items (comma separated):\n"), "%s", fx.out);
    cr_expect_not_null(strstr(fx.out, "\nint "), "%s", fx.out);
    snprintf(line, sizeof line, "logfile %s/no/such/dir/log", fx.dir);
    fx_run(line);
    cr_expect_not_null(strstr(fx.out, "logfile: "), "%s", fx.out);
    cr_expect_not_null(strstr(fx.out, ": No such file or directory\n"), "%s", fx.out);
    log_close();
}

/* savevm, info snapshots, loadvm, delvm on the snapshot directory: the
 * loop's counter (r2) goes back to its value at savevm. */
Test(monitor_s370, savevm_loadvm_delvm)
{
    fx_start_s370_loop("-snapshot-dir @DIR@");
    fx_exec(30);
    fx_run("savevm first");
    if (strstr(fx.out, "not available yet")) cr_skip_test("snapshots are still a stub");
    cr_assert_str_eq(fx.out, "");
    CPUState *cpu = fx.m->cpus[0];
    char regs_then[4096];
    snprintf(regs_then, sizeof regs_then, "%s", fx_run("info registers"));
    uint64_t pc_then = cpu->pc;
    fx_exec(31);
    cr_assert_str_neq(fx_run("info registers"), regs_then, "the guest did not run");
    fx_run("info snapshots");
    /* QEMU's columns. */
    const char head[] = "ID        TAG               VM SIZE                DATE     VM CLOCK     "
                        "ICOUNT\n--        first    ";
    cr_expect_eq(strncmp(fx.out, head, strlen(head)), 0, "%s", fx.out);
    cr_expect_str_eq(fx_run("loadvm first"), "");
    cr_expect_eq(cpu->pc, pc_then);
    cr_expect_str_eq(fx_run("info registers"), regs_then);
    /* Errors are one line and change nothing. */
    fx_run("loadvm nosuch");
    cr_expect(strncmp(fx.out, "loadvm: ", 8) == 0 && !strchr(fx.out, '\n')[1], "%s", fx.out);
    fx_run("savevm ../escape");
    cr_expect(strncmp(fx.out, "savevm: ", 8) == 0 && !strchr(fx.out, '\n')[1], "%s", fx.out);
    cr_expect_str_eq(fx_run("loadvm"), "loadvm: expected a snapshot tag (see 'info snapshots')\n");
    cr_expect_str_eq(fx_run("info registers"), regs_then);
    /* Without a tag: QEMU's vm-<date>. */
    cr_expect_str_eq(fx_run("savevm"), "");
    fx_run("info snapshots");
    cr_expect_not_null(strstr(fx.out, "\n--        vm-20"), "%s", fx.out);
    cr_expect_str_eq(fx_run("delvm first"), "");
    fx_run("info snapshots");
    cr_expect_null(strstr(fx.out, "first"), "%s", fx.out);
    fx_run("delvm first");
    cr_expect(strncmp(fx.out, "delvm: ", 7) == 0, "%s", fx.out);
}

/* gdbserver starts a stub at run time (port 0: any free port), once. */
Test(monitor_s370, gdbserver_at_run_time)
{
    fx_start_s370_loop("");
    fx_run("gdbserver tcp:127.0.0.1:0");
    if (strstr(fx.out, "gdbserver: ")) cr_skip_test("no gdbstub yet: %s", fx.out);
    cr_expect_str_eq(fx.out, "Waiting for gdb connection on device 'tcp:127.0.0.1:0'\n");
    cr_expect_str_eq(fx_run("gdbserver 0"),
                     "gdbserver: a gdbstub started here is already running\n");
}
