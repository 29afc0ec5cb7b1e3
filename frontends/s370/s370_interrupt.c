/*
 * Interruptions (PoO-370 §6, PoO-390 §6): the PSW swap through the fixed
 * locations of the prefix area, the interruption codes stored for each
 * class, and the order in which pending interruptions are taken.
 */
#include <string.h>

#include "core/log.h"
#include "core/machine.h"
#include "frontends/s370/s370_internal.h"

/* Old and new PSW locations (PoO-370 fig. 3-3 "Assigned Locations"). */
typedef struct S370IntClass {
    const char *name;
    uint16_t old_psw, new_psw;
} S370IntClass;

enum { INT_RESTART, INT_EXTERNAL, INT_SVC, INT_PROGRAM, INT_MCHECK, INT_IO };

static const S370IntClass s370_int_classes[] = {
    [INT_RESTART] = {"restart", 8, 0},         [INT_EXTERNAL] = {"external", 24, 88},
    [INT_SVC] = {"supervisor call", 32, 96},   [INT_PROGRAM] = {"program", 40, 104},
    [INT_MCHECK] = {"machine check", 48, 112}, [INT_IO] = {"I/O", 56, 120},
};

/* Interruption-code locations of EC and ESA/390 mode. */
enum {
    LOC_EXT_CPU_ADDR = 132,
    LOC_EXT_CODE = 134,
    LOC_SVC_ILC = 137,
    LOC_SVC_CODE = 138,
    LOC_PGM_ILC = 141,
    LOC_PGM_CODE = 142,
    LOC_TRANS_EXC = 144,
    LOC_DATA_EXC_CODE = 144, /* ESA/390: the DXC, right-aligned in the word at 144 */
    LOC_IO_SSID = 184,       /* ESA/390 subsystem-identification word */
    LOC_IO_PARM = 188,
    LOC_IO_ADDR = 186, /* S/370 EC: I/O address */
};

#define CR0_AFP_REGISTER 0x00040000u /* CR0 bit 13 */
#define FPC_DXC_FIELD    0x0000ff00u /* FPC byte 2 */

/* Program interruptions that nullify: the old PSW names the instruction
 * itself so it is executed again (PoO-390 fig. 6-2, "Type of Ending"). */
static bool s370_pgm_nullifies(uint16_t code)
{
    code &= 0x7f;
    return code == S370_PGM_SEGMENT_TRANSLATION || code == S370_PGM_PAGE_TRANSLATION ||
           (code >= 0x20 && code <= 0x2f);
}

static void put16(S370CPU *cpu, uint64_t abs, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    s370_abs_write(cpu, abs, b, 2);
}

static void put8(S370CPU *cpu, uint64_t abs, uint8_t v)
{
    s370_abs_write(cpu, abs, &v, 1);
}

/* Store the current PSW (with address ia) as the old PSW of class cls
 * and load its new PSW.  Returns false when the new PSW is invalid.
 * what describes the cause for -d int (built only when it is on). */
static bool s370_psw_swap(S370CPU *cpu, int cls, uint64_t ia, const char *what)
{
    const S370IntClass *ic = &s370_int_classes[cls];
    uint64_t psa = s370_real_to_abs(cpu, 0);
    uint8_t old[8], new_psw[8];
    if (cpu->psw_invalid)
        memcpy(old, cpu->psw_image, 8);
    else
        s370_psw_encode(cpu, ia, old);
    s370_abs_write(cpu, psa + ic->old_psw, old, 8);
    s370_abs_read(cpu, psa + ic->new_psw, new_psw, 8);
    cpu->ex_pending = false;
    cpu->psw.bc_int_code = 0;
    cpu->psw.bc_ilc = 0;
    LOG_MASK(LOG_INT,
             "s370: %s interruption%s%s, old PSW %02X%02X%02X%02X %02X%02X%02X%02X, new PSW "
             "%02X%02X%02X%02X %02X%02X%02X%02X\n",
             ic->name, what ? " " : "", what ? what : "", old[0], old[1], old[2], old[3], old[4],
             old[5], old[6], old[7], new_psw[0], new_psw[1], new_psw[2], new_psw[3], new_psw[4],
             new_psw[5], new_psw[6], new_psw[7]);
    return s370_psw_decode(cpu, new_psw);
}

/* A program interruption; when its new PSW is invalid too, the CPU would
 * take program interruptions forever without executing anything: stop
 * it, as the operator would, with a message. */
static void s370_program_interrupt(S370CPU *cpu, uint16_t code, uint8_t ilc)
{
    for (int depth = 0;; depth++) {
        uint64_t ia = cpu->common.pc;
        if (!cpu->psw_invalid && !s370_pgm_nullifies(code)) ia = (ia + 2u * ilc) & s370_amask(cpu);
        if (cpu->psw_invalid) ilc = 0;
        uint64_t psa = s370_real_to_abs(cpu, 0);
        if (cpu->psw.ec || cpu->arch == S370_ARCH_390) {
            put8(cpu, psa + LOC_PGM_ILC, (uint8_t)(ilc << 1));
            put16(cpu, psa + LOC_PGM_CODE, code);
        } else {
            cpu->psw.bc_int_code = code;
            cpu->psw.bc_ilc = ilc;
        }
        if ((code & 0x7f) == S370_PGM_SEGMENT_TRANSLATION ||
            (code & 0x7f) == S370_PGM_PAGE_TRANSLATION)
            s370_abs_store32(cpu, psa + LOC_TRANS_EXC, cpu->trans_exc_addr);
        char what[96] = "";
        if (log_enabled(LOG_INT)) {
            int n = snprintf(what, sizeof what, "code %04X %s, ILC %u", code,
                             s370_program_interruption_name(code), ilc);
            if (n > 0 && (size_t)n < sizeof what &&
                ((code & 0x7f) == S370_PGM_SEGMENT_TRANSLATION ||
                 (code & 0x7f) == S370_PGM_PAGE_TRANSLATION))
                snprintf(what + n, sizeof what - (size_t)n, ", translation-exception address %08X",
                         cpu->trans_exc_addr);
        }
        if (s370_psw_swap(cpu, INT_PROGRAM, ia, what)) return;
        if (depth > 0) {
            fprintf(stderr, "doppel: s370: program interruption loop (the program new PSW is "
                            "invalid); cpu stopped\n");
            cpu->common.halted = true;
            cpu->common.stopped = true;
            machine_request_exit(cpu->common.machine, 1);
            return;
        }
        code = S370_PGM_SPECIFICATION; /* the new PSW just loaded is invalid */
    }
}

/* After a swap that loaded an invalid PSW: the specification exception
 * is taken before any instruction (PoO-390 §6 "Early Exception
 * Recognition"). */
static void s370_after_swap(S370CPU *cpu, bool valid)
{
    if (!valid) s370_program_interrupt(cpu, S370_PGM_SPECIFICATION, 0);
}

/* PoO-390 §6 "Data-Exception Code (DXC)": a program interruption for a
 * data exception stores the DXC at real location 147 with zeros at
 * 144-146, and also in byte 2 of the FPC when the AFP-register control
 * (CR0 bit 13) is one; otherwise the FPC is left unchanged.  S/370 has no
 * DXC (PoO-370 §6 "Data Exception"): nothing is stored.  It is stored
 * as the exception is raised rather than by s370_program_interrupt: the
 * interruption follows with nothing in between, and the DXC needs no
 * place in the cpu struct. */
_Noreturn void s370_data_exception(S370CPU *cpu, uint8_t dxc)
{
    if (cpu->arch == S370_ARCH_390) {
        s370_abs_store32(cpu, s370_real_to_abs(cpu, 0) + LOC_DATA_EXC_CODE, dxc);
        if (cpu->cr[0] & CR0_AFP_REGISTER)
            cpu->fpc = (cpu->fpc & ~FPC_DXC_FIELD) | (uint32_t)dxc << 8;
    }
    s370_program_exception(cpu, S370_PGM_DATA);
}

_Noreturn void s370_raise_invalid_psw(S370CPU *cpu)
{
    cpu->pgm_code = S370_PGM_SPECIFICATION;
    cpu->pgm_ilc = 0;
    cpu->common.exception_index = S370_EXCP_PROGRAM;
    cpu_loop_exit(&cpu->common);
}

void s370_do_interrupt(CPUState *c)
{
    S370CPU *cpu = s370_cpu(c);
    uint64_t psa = s370_real_to_abs(cpu, 0);
    switch (c->exception_index) {
    case S370_EXCP_PROGRAM: s370_program_interrupt(cpu, cpu->pgm_code, cpu->pgm_ilc); break;
    case S370_EXCP_SVC: {
        /* SVC completes: the old PSW points after it (PoO-370 §6). */
        uint64_t ia = (c->pc + 2u * cpu->pgm_ilc) & s370_amask(cpu);
        if (cpu->psw.ec || cpu->arch == S370_ARCH_390) {
            put8(cpu, psa + LOC_SVC_ILC, (uint8_t)(cpu->pgm_ilc << 1));
            put16(cpu, psa + LOC_SVC_CODE, cpu->svc_code);
        } else {
            cpu->psw.bc_int_code = cpu->svc_code;
            cpu->psw.bc_ilc = cpu->pgm_ilc;
        }
        char what[48] = "";
        if (log_enabled(LOG_INT))
            snprintf(what, sizeof what, "code %04X (SVC %u), ILC %u", cpu->svc_code, cpu->svc_code,
                     cpu->pgm_ilc);
        s370_after_swap(cpu, s370_psw_swap(cpu, INT_SVC, ia, what));
        break;
    }
    default: break;
    }
}

/* ---- asynchronous interruptions ---- */

/* External conditions in priority order with their CR0 subclass-mask bit
 * and interruption code (PoO-370 §6 "External Interruption"). */
static const struct {
    uint32_t condition;
    uint32_t cr0_mask;
    uint16_t code;
} s370_ext_sources[] = {
    {S370_EXT_CLOCK_COMP, 0x00000800u, 0x1004},     {S370_EXT_CPU_TIMER, 0x00000400u, 0x1005},
    {S370_EXT_INTERVAL_TIMER, 0x00000080u, 0x0080}, {S370_EXT_KEY, 0x00000040u, 0x0040},
    {S370_EXT_SERVICE, 0x00000200u, 0x2401},
};

static int s370_ext_next(const S370CPU *cpu)
{
    if (!s370_psw_ext_enabled(cpu) || cpu->psw_invalid) return -1;
    for (unsigned i = 0; i < sizeof s370_ext_sources / sizeof s370_ext_sources[0]; i++) {
        if ((cpu->ext_pending & s370_ext_sources[i].condition) &&
            (cpu->cr[0] & s370_ext_sources[i].cr0_mask))
            return (int)i;
    }
    return -1;
}

static void s370_take_external(S370CPU *cpu, int source)
{
    uint64_t psa = s370_real_to_abs(cpu, 0);
    uint16_t code = s370_ext_sources[source].code;
    cpu->ext_pending &= ~s370_ext_sources[source].condition;
    if (cpu->psw.ec || cpu->arch == S370_ARCH_390) {
        put16(cpu, psa + LOC_EXT_CODE, code);
        put16(cpu, psa + LOC_EXT_CPU_ADDR, (uint16_t)cpu->common.cpu_index);
    } else {
        cpu->psw.bc_int_code = code;
    }
    char what[48] = "";
    if (log_enabled(LOG_INT))
        snprintf(what, sizeof what, "code %04X %s", code, s370_external_interruption_name(code));
    s370_after_swap(cpu, s370_psw_swap(cpu, INT_EXTERNAL, cpu->common.pc, what));
    /* Clock comparator and CPU timer stay pending while their condition
     * holds: the timer code raises them again if so. */
    s370_timer_update(cpu);
}

static bool s370_take_io(S370CPU *cpu)
{
    if (!cpu->io.ops || cpu->psw_invalid) return false;
    uint64_t psa = s370_real_to_abs(cpu, 0);
    char what[64] = "";
    if (cpu->arch == S370_ARCH_390) {
        uint32_t code[2];
        if (!(cpu->psw.sysmask & 0x02)) return false;
        if (!cpu->io.ops->esa_interrupt(cpu->io.opaque, (uint8_t)(cpu->cr[6] >> 24), code))
            return false;
        s370_abs_store32(cpu, psa + LOC_IO_SSID, code[0]);
        s370_abs_store32(cpu, psa + LOC_IO_PARM, code[1]);
        if (log_enabled(LOG_INT))
            snprintf(what, sizeof what, "subsystem ID %08X, parameter %08X", code[0], code[1]);
    } else {
        uint32_t mask = s370_psw_channel_mask(cpu);
        uint16_t devaddr;
        if (!mask || !cpu->io.ops->s370_interrupt(cpu->io.opaque, mask, psa, &devaddr))
            return false;
        if (cpu->psw.ec)
            put16(cpu, psa + LOC_IO_ADDR, devaddr);
        else
            cpu->psw.bc_int_code = devaddr;
        if (log_enabled(LOG_INT)) snprintf(what, sizeof what, "device %03X", devaddr);
    }
    s370_after_swap(cpu, s370_psw_swap(cpu, INT_IO, cpu->common.pc, what));
    return true;
}

bool s370_check_interrupts(CPUState *c)
{
    S370CPU *cpu = s370_cpu(c);
    int req = atomic_load(&c->interrupt_request);
    if (req & S370_INTERRUPT_RESTART) {
        cpu_reset_interrupt(c, S370_INTERRUPT_RESTART);
        s370_after_swap(cpu, s370_psw_swap(cpu, INT_RESTART, c->pc, NULL));
        return true;
    }
    int ext = s370_ext_next(cpu);
    if (ext >= 0) {
        s370_take_external(cpu, ext);
        return true;
    }
    if (!cpu->ext_pending) cpu_reset_interrupt(c, S370_INTERRUPT_EXT);
    if ((req & S370_INTERRUPT_IO) && s370_take_io(cpu)) return true;
    if (cpu->psw.wait) c->halted = true;
    return false;
}

bool s370_has_work(CPUState *c)
{
    S370CPU *cpu = s370_cpu(c);
    int req = atomic_load(&c->interrupt_request);
    if (req & S370_INTERRUPT_RESTART) return true;
    if (s370_ext_next(cpu) >= 0) return true;
    return (req & S370_INTERRUPT_IO) && s370_psw_io_enabled(cpu);
}

void s370_external_request(S370CPU *cpu, uint32_t conditions)
{
    cpu->ext_pending |= conditions;
    cpu_interrupt(&cpu->common, S370_INTERRUPT_EXT);
}

void s370_io_irq_handler(void *opaque, int n, int level)
{
    (void)n;
    CPUState *c = opaque;
    if (level)
        cpu_interrupt(c, S370_INTERRUPT_IO);
    else
        cpu_reset_interrupt(c, S370_INTERRUPT_IO);
}
