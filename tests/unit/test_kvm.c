/*
 * The KVM accelerator (backends/kvm): small multiboot guests run under
 * -accel kvm.  kvm_pmode and the real-mode test must print exactly what
 * they print under -accel jit; kvm_longmode (-cpu host) checks its 64-bit
 * results against fixed values.  Without a usable /dev/kvm every test
 * says "SKIP: /dev/kvm not available" and passes.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

static bool kvm_available(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        printf("SKIP: /dev/kvm not available\n");
        return false;
    }
    close(fd);
    return true;
}

/* Run guest name.elf with accel; COM1 output into out, exit status back. */
static int kvm_run_guest(const char *name, const char *accel, char *out, size_t len)
{
    char path[] = "/tmp/doppel-kvm-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp");
    close(fd);
    char args[1024], msg[8192];
    snprintf(args, sizeof args, "-M pc %s -no-reboot -nographic -serial file:%s -kernel %s/%s.elf",
             accel, path, DOPPEL_X86_GUEST_DIR, name);
    int status = test_run_doppel(args, false, msg, sizeof msg);
    test_read_file(path, out, len);
    unlink(path);
    if (status != 1) fprintf(stderr, "%s (%s): status %d\n%s\n%s\n", name, accel, status, msg, out);
    return status;
}

/* Same output, and a pass, under -accel jit and -accel kvm. */
static void kvm_expect_same_as_jit(const char *name)
{
    static char jit[65536], kvm[65536];
    if (!kvm_available()) return;
    cr_expect_eq(kvm_run_guest(name, "-accel jit", jit, sizeof jit), 1, "%s under jit", name);
    cr_expect_eq(kvm_run_guest(name, "-accel kvm", kvm, sizeof kvm), 1, "%s under kvm", name);
    char marker[96];
    snprintf(marker, sizeof marker, "== %s: all ", name);
    cr_expect(strstr(kvm, marker) && strstr(kvm, " checks passed\n"), "%s under kvm:\n%s", name,
              kvm);
    cr_expect_str_eq(kvm, jit, "%s: kvm output differs from jit", name);
}

Test(kvm, protected_mode_same_as_jit, .timeout = 120)
{
    kvm_expect_same_as_jit("kvm_pmode");
}

Test(kvm, real_mode_same_as_jit, .timeout = 120)
{
    kvm_expect_same_as_jit("realmode");
}

Test(kvm, string_ops_same_as_jit, .timeout = 120)
{
    kvm_expect_same_as_jit("string");
}

/* doppel's own cpu model has no long mode: the guest finds LM clear. */
Test(kvm, model_cpuid_has_no_long_mode, .timeout = 120)
{
    static char out[65536];
    if (!kvm_available()) return;
    cr_assert_eq(kvm_run_guest("kvm_longmode", "-accel kvm", out, sizeof out), 1);
    cr_expect(strstr(out, "no long mode in CPUID") != NULL, "%s", out);
}

Test(kvm, long_mode_ring3_with_cpu_host, .timeout = 120)
{
    static char out[65536];
    if (!kvm_available()) return;
    cr_assert_eq(kvm_run_guest("kvm_longmode", "-accel kvm -cpu host", out, sizeof out), 1);
    if (strstr(out, "no long mode in CPUID")) {
        printf("SKIP: the host's KVM offers no long mode\n");
        return;
    }
    cr_expect(strstr(out, "ok   ring 3 xorshift64* sum\n") != NULL, "%s", out);
    cr_expect(strstr(out, "== kvm_longmode: all 6 checks passed\n") != NULL, "%s", out);
}

Test(kvm, refuses_non_x86_machine)
{
    char msg[4096];
    if (!kvm_available()) return;
    int status = test_run_doppel("-M s370 -accel kvm -nographic", true, msg, sizeof msg);
    cr_expect_eq(status, 1);
    cr_expect(strstr(msg, "doppel: -accel kvm: machine 's370' is not an x86 machine") != NULL, "%s",
              msg);
}

Test(kvm, cpu_host_needs_kvm)
{
    char msg[4096];
    int status = test_run_doppel("-M pc -accel jit -cpu host -nographic", true, msg, sizeof msg);
    cr_expect_eq(status, 1);
    cr_expect(strstr(msg, "doppel: -cpu host: machine 'pc' has no such cpu") != NULL, "%s", msg);
}
