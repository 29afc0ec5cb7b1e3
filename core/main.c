/*
 * doppel: parse the command line, build the machine, run it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/device.h"
#include "core/gdbstub.h"
#include "core/hercules_cnf.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/monitor.h"
#include "core/options.h"
#include "core/qmp.h"
#include "core/runstate.h"
#include "core/snapshot.h"
#include "ui/display.h"

/* -hercules-cnf without -M: the board its ARCHMODE asks for (Hercules
 * starts in ESA/390 when there is none).  Read quietly: the board reads
 * the file again and reports what it finds. */
static const char *main_hercules_machine(const char *path)
{
    HercConfig cfg;
    FILE *quiet = fopen("/dev/null", "w");
    const char *name = "s390";
    if (quiet && hercules_cnf_load(path, &cfg, quiet)) {
        if (cfg.arch == HERC_ARCH_S370) name = "s370";
        hercules_cnf_free(&cfg);
    }
    if (quiet) fclose(quiet);
    return name;
}

int main(int argc, char **argv)
{
    /* A gdb, QMP or monitor client that goes away must not kill doppel
     * with SIGPIPE: writes to it fail with EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);
    Options o;
    int rc = options_parse(argc, argv, &o);
    if (rc) return rc == 2 ? 0 : 1;

    const char *why = options_unsupported(&o);
    if (why) {
        fprintf(stderr, "%s\n", why);
        options_free(&o);
        return 1;
    }
    const MachineClass *mc = o.machine        ? machine_find(o.machine)
                             : o.hercules_cnf ? machine_find(main_hercules_machine(o.hercules_cnf))
                                              : machine_default();
    if (!mc) {
        fprintf(stderr, "doppel: -M %s: unknown machine (see doppel -M help)\n",
                o.machine ? o.machine : "(default)");
        options_free(&o);
        return 1;
    }
    if (o.cpu_help) {
        printf("Available CPUs for machine '%s':\n  %s (the only model)\n", mc->name, mc->arch);
        options_free(&o);
        return 0;
    }
    /* -cpu host: the host's CPUID as KVM offers it (backends/kvm/kvm_x86.c). */
    bool cpu_host = o.cpu_model && !strcmp(o.cpu_model, "host") && o.accel == ACCEL_KVM;
    if (o.cpu_model && strcmp(o.cpu_model, mc->arch) != 0 && strcmp(o.cpu_model, "max") != 0 &&
        !cpu_host) {
        fprintf(stderr, "doppel: -cpu %s: machine '%s' has no such cpu (see -cpu help)\n",
                o.cpu_model, mc->name);
        options_free(&o);
        return 1;
    }

    log_set_mask(o.log_mask);
    if (o.log_file && !log_set_file(o.log_file)) {
        fprintf(stderr, "doppel: -D %s: cannot open: %s\n", o.log_file, strerror(errno));
        options_free(&o);
        return 1;
    }

    Machine *m = machine_create(mc, &o);
    if (!m) {
        log_close();
        options_free(&o);
        return 1;
    }
    int status = 1;
    Monitor *mon = NULL;
    Qmp *qmp = NULL;
    GdbStub *gdb = NULL;
    UiDisplay *ui = NULL;
    char err[512];
    for (int i = 0; i < o.ndevices; i++)
        if (!device_create_from_spec(m, o.devices[i])) goto out;
    if (!machine_boot(m)) goto out;
    /* [monitor] -monitor, or the serial port's Ctrl-A c */
    mon = monitor_create(m, err, sizeof err);
    if (!mon && err[0]) goto fail;
    qmp = qmp_create(m, o.qmp, err, sizeof err);
    if (!qmp && err[0]) goto fail;
    gdb = gdbstub_create(m, o.gdb, err, sizeof err);
    if (!gdb && err[0]) goto fail;
    /* [display] -display sdl */
    ui = ui_display_start(m, err, sizeof err);
    if (!ui && err[0]) goto fail;
    if (o.loadvm) {
        char why[400];
        if (!snapshot_load(m, o.loadvm, why, sizeof why)) {
            snprintf(err, sizeof err, "-loadvm %s: %s", o.loadvm, why);
            goto fail;
        }
    }
    if (o.icount.rr != RR_OFF && o.icount.rrsnapshot) {
        /* rrsnapshot=: the recording starts from a saved state, which the
         * replay loads first. */
        char why[400];
        bool ok = o.icount.rr == RR_RECORD ? snapshot_save(m, o.icount.rrsnapshot, why, sizeof why)
                                           : snapshot_load(m, o.icount.rrsnapshot, why, sizeof why);
        if (!ok) {
            snprintf(err, sizeof err, "-icount rrsnapshot=%s: %s", o.icount.rrsnapshot, why);
            goto fail;
        }
    }
    if (o.start_stopped) {
        /* -S: QEMU's prelaunch state; 'cont' (monitor, QMP, gdb) starts it. */
        vm_stop(m, RUN_STATE_PRELAUNCH);
    }

    status = machine_run(m);
    goto out;
fail:
    fprintf(stderr, "doppel: %s\n", err);
    status = 1;
out:
    ui_display_stop(ui); /* [display] before the event loop goes */
    gdbstub_free(gdb);
    qmp_free(qmp);
    monitor_free(mon); /* [monitor] before the event loop goes */
    machine_destroy(m);
    chardev_restore_terminal();
    log_close();
    options_free(&o);
    return status;
}
